/**
 * One error type for everything a handler refuses. Each module decides how it is
 * rendered (its documented envelope); the kernel decides nothing about the body.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    /** Machine-readable code, stable across releases (e.g. `invalid_parameter`). */
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, code = 'invalid_request') => new ApiError(400, code, message);
export const invalidParameter = (name: string, problem: string) =>
  new ApiError(400, 'invalid_parameter', `The parameter '${name}' ${problem}.`);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const forbidden = (message: string, code = 'forbidden') => new ApiError(403, code, message);
export const unauthorized = (message: string, challenge: string) =>
  new ApiError(401, 'unauthorized', message, { 'www-authenticate': challenge });
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
