import type { FastifyInstance } from 'fastify';

/**
 * The policy of every HTML page a listener serves (/docs, consent pages, the console): scripts,
 * styles and fonts only from the listener itself, never inline; no plugins; not framable.
 * Pages must keep their scripts in files to work under it.
 */
export const HTML_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** One year; without includeSubDomains, so a host's other services are not forced onto HTTPS by Meridian. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/**
 * Response headers every listener sends: `nosniff` on everything, HSTS on HTTPS listeners, and
 * the HTML policy chosen by content type, so a page added later by any module gets it without
 * asking. Set in onSend, which also runs for error and not-found answers.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(securityHeaders(options));
    const type = String(reply.getHeader('content-type') ?? '').toLowerCase();
    if (type.startsWith('text/html') || type.startsWith('application/xhtml+xml')) {
      reply.header('content-security-policy', HTML_CONTENT_SECURITY_POLICY);
      // For browsers that predate frame-ancestors.
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'no-referrer');
    }
    return payload;
  });
}

/** The headers of every answer, JSON or not: also for the few a listener gives before any hook runs. */
export function securityHeaders(options: { https: boolean }): Record<string, string> {
  return { 'x-content-type-options': 'nosniff', ...(options.https ? { 'strict-transport-security': STRICT_TRANSPORT_SECURITY } : {}) };
}
