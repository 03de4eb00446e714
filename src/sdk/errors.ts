/** Every non-2xx answer, with what support needs to find the request: its request-id. */
export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** The service's `request-id` header (or the envelope's traceId/requestId). */
    readonly requestId: string | null,
    readonly clientRequestId: string | null = null,
    message?: string,
  ) {
    super(message ?? `AvePoint Graph API answered ${status}${requestId ? ` (request-id ${requestId})` : ''}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = new.target.name;
  }
}

export class BadRequestError extends GraphApiError {}
export class UnauthorizedError extends GraphApiError {}
export class ForbiddenError extends GraphApiError {}
export class NotFoundError extends GraphApiError {}
export class ConflictError extends GraphApiError {}
/** 429 after the retries: `retryAfterMs` is what the service asked for last. */
export class TooManyRequestsError extends GraphApiError {
  retryAfterMs: number | null = null;
}
export class ServiceUnavailableError extends GraphApiError {
  retryAfterMs: number | null = null;
}
export class ServerError extends GraphApiError {}

/** The token endpoint refused: `error` is the RFC 6749 code (invalid_client, invalid_scope, ...). */
export class AuthenticationError extends GraphApiError {
  constructor(status: number, body: unknown, requestId: string | null, readonly error: string | null, readonly errorDescription: string) {
    super(status, body, requestId, null, `The identity service refused the token request (${status}${error ? ` ${error}` : ''}): ${errorDescription}`);
  }
}

const requestIdOf = (headers: Headers, body: unknown): string | null => {
  const header = headers.get('request-id');
  if (header) return header;
  const b = body as { traceId?: unknown; requestId?: unknown; error?: { requestId?: unknown } } | null;
  const fromBody = b?.traceId ?? b?.requestId ?? b?.error?.requestId;
  return typeof fromBody === 'string' ? fromBody : null;
};

export function errorFor(status: number, body: unknown, headers: Headers, clientRequestId: string | null, retryAfterMs: number | null): GraphApiError {
  const requestId = requestIdOf(headers, body);
  const type =
    status === 400 ? BadRequestError
    : status === 401 ? UnauthorizedError
    : status === 403 ? ForbiddenError
    : status === 404 ? NotFoundError
    : status === 409 ? ConflictError
    : status === 429 ? TooManyRequestsError
    : status === 503 ? ServiceUnavailableError
    : status >= 500 ? ServerError
    : GraphApiError;
  const error = new type(status, body, requestId, clientRequestId);
  if (error instanceof TooManyRequestsError || error instanceof ServiceUnavailableError) error.retryAfterMs = retryAfterMs;
  return error;
}
