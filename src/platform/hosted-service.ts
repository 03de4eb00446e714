import type { FastifyInstance } from 'fastify';

/**
 * A listener of Meridian (an identity host, a region, the global endpoint). Its public URL
 * is known only once it listens — the port may be ephemeral — and links and issuers are
 * built on it from then on.
 */
export abstract class HostedService {
  private publicUrl = '';

  constructor(readonly app: FastifyInstance) {}

  get url(): string {
    return this.publicUrl;
  }

  setPublicUrl(url: string): void {
    this.publicUrl = url.replace(/\/+$/, '');
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}
