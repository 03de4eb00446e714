import net from 'node:net';

/**
 * A TCP proxy in front of a real PostgreSQL or Redis that a test can cut: `refuse` closes
 * the port (a store that is down), `blackhole` accepts connections and never answers (a
 * network that drops packets), `forward` restores it. Cutting drops open connections.
 */
export class CuttableProxy {
  private mode: 'forward' | 'refuse' | 'blackhole' = 'forward';
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<CuttableProxy> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const proxy = new CuttableProxy(target, port);
    await proxy.listen();
    return proxy;
  }

  private async listen(): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  private accept(client: net.Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    if (this.mode === 'blackhole') return;
    const upstream = net.connect(this.target);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async refuse(): Promise<void> {
    this.mode = 'refuse';
    this.dropConnections();
    await this.closeServer();
  }

  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    this.dropConnections();
    if (!this.server) await this.listen();
  }

  async forward(): Promise<void> {
    this.mode = 'forward';
    this.dropConnections();
    if (!this.server) await this.listen();
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    this.dropConnections();
    await this.closeServer();
  }
}
