import type { FastifyInstance } from 'fastify';

/**
 * A listener of Meridian (an identity host, a region, the global endpoint). Its public URL
 * is known only once it listens — the port may be ephemeral — and links and issuers are
 * built on it from then on.
 */
const CLOSE_GRACE_MS = 3000;

export abstract class HostedService {
  private publicUrl = '';

  constructor(readonly app: FastifyInstance) {}

  get url(): string {
    return this.publicUrl;
  }

  setPublicUrl(url: string): void {
    this.publicUrl = url.replace(/\/+$/, '');
  }

  /**
   * Stops accepting, lets requests in flight finish, then cuts what is left: a keep-alive
   * connection that went idle after closing began would otherwise hold the close for the
   * whole keep-alive timeout.
   */
  async close(): Promise<void> {
    const closing = this.app.close();
    const cut = setTimeout(() => this.app.server.closeAllConnections(), CLOSE_GRACE_MS);
    cut.unref();
    try {
      await closing;
    } finally {
      clearTimeout(cut);
    }
  }
}
