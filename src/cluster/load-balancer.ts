import net from 'node:net';

/**
 * The local recipe's load balancer: one TCP listener per part, each new connection sent to
 * the next node in turn (TLS passes through: every node presents the same certificate). A
 * node that refuses the connection (stopped, killed) is skipped for the next one, as a real
 * balancer's health check would. Connection-level: a keep-alive connection stays on its node.
 */
export class TcpLoadBalancer {
  private next = 0;
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private backends: number[],
  ) {}

  static async start(port: number, backends: number[], host = '127.0.0.1'): Promise<TcpLoadBalancer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as net.AddressInfo;
    const balancer = new TcpLoadBalancer(server, address.port, backends);
    server.on('connection', (client) => balancer.accept(client, host));
    return balancer;
  }

  setBackends(backends: number[]): void {
    this.backends = backends;
  }

  private accept(client: net.Socket, host: string): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const tryBackend = (left: number) => {
      if (left === 0 || this.backends.length === 0) return client.destroy();
      const port = this.backends[this.next++ % this.backends.length]!;
      const upstream = net.connect({ host, port });
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        this.sockets.add(upstream);
        upstream.on('close', () => {
          this.sockets.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        upstream.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        if (!connected) tryBackend(left - 1);
      });
    };
    tryBackend(this.backends.length);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port free right now on the loopback interface (the OS picks it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
