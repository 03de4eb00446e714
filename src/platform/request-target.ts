import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

/**
 * RFC 9112 §3.2: an origin server is asked for a path (origin-form). The absolute-form
 * (`GET http://host/path`) is for proxies and `*` is for server-wide OPTIONS; Meridian is
 * neither, and a target that is not a path must never reach a handler that builds URLs from
 * it. Refused first, before authentication, on every listener.
 */
export function refuseNonOriginFormTargets(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const target = request.raw.url ?? '';
    if (!target.startsWith('/')) {
      throw new ApiError(400, 'invalid_request_target', 'The request target must be a path (origin-form, e.g. GET /aos/audit); absolute URLs and * are not accepted.');
    }
  });
}
