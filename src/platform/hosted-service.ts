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

  private draining?: Promise<void>;

  /**
   * Stops accepting, lets requests in flight finish, then cuts what is left: a keep-alive
   * connection that went idle after closing began would otherwise hold the close for the
   * whole keep-alive timeout. Idempotent, so an owner closing several listeners can start
   * them all at once and finish each one's own resources later.
   */
  stopListening(): Promise<void> {
    this.draining ??= (async () => {
      const closing = this.app.close();
      const cut = setTimeout(() => this.app.server.closeAllConnections(), CLOSE_GRACE_MS);
      cut.unref();
      try {
        await closing;
      } finally {
        clearTimeout(cut);
      }
    })();
    return this.draining;
  }

  /** Stops listening; subclasses then release what they own (job runners, databases). */
  async close(): Promise<void> {
    await this.stopListening();
  }
}
