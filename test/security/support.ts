import tls from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

/** A fetch whose connections leave from `localAddress` (any of 127.0.0.0/8 on Linux): a second client address on one machine. */
export function fetchFrom(localAddress: string, caPem: string): typeof fetch {
  const dispatcher = new Agent({ localAddress, connect: { ca: caPem }, keepAliveTimeout: 1000 });
  return ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
}

/** Sends `requestLine` and headers as written, over TLS, and returns the status and body of the answer. */
export async function rawHttpsRequest(url: string, requestLine: string, caPem: string, headers: string[] = []): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(url);
  const text = await new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port), servername: hostname, ca: caPem }, () => {
      socket.write(`${requestLine}\r\nHost: ${hostname}:${port}\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
  });
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: rest.join('\r\n\r\n') };
}

export interface HandshakeResult {
  established: boolean;
  protocol?: string | null;
  cipher?: string;
  error?: string;
}

/** A TLS handshake offering only what `options` allows: whether the listener agreed, and on what. */
export async function tlsHandshake(url: string, caPem: string, options: tls.ConnectionOptions): Promise<HandshakeResult> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: hostname, ca: caPem, ...options }, () => {
      const result = { established: true, protocol: socket.getProtocol(), cipher: socket.getCipher().standardName };
      socket.end();
      resolve(result);
    });
    socket.on('error', (error) => resolve({ established: false, error: error.message }));
    socket.setTimeout(10_000, () => {
      socket.destroy();
      resolve({ established: false, error: 'timeout' });
    });
  });
}
