import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const STATIC_DIR = join(import.meta.dirname, 'static');
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The web console at /console: three static files read once at start (no build step, no
 * server-side rendering). Every action it takes is a call of the admin API on this host.
 */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  const contents = new Map(Object.keys(FILES).map((name) => [name, readFileSync(join(STATIC_DIR, name))]));
  const send = (name: string) => async (_: unknown, reply: import('fastify').FastifyReply) =>
    reply
      // The console runs no inline script or style: the strictest policy holds it to that.
      .header('content-security-policy', CONSOLE_CSP)
      .header('content-type', FILES[name]!)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(contents.get(name));
  const options = { schema: { hide: true }, config: { public: true } };
  // The router ignores trailing slashes: /console and /console/ are one route.
  for (const name of Object.keys(FILES)) app.get(name === 'index.html' ? '/console' : `/console/${name}`, options, send(name));
}
