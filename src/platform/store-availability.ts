/**
 * Whether an error means a data store (PostgreSQL, Redis, a busy SQLite file) cannot be
 * reached right now, rather than a defect: such a request is answered 503 with
 * Retry-After, and the node recovers by itself when the store returns.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
// PostgreSQL SQLSTATE classes 08 (connection exception), 53 (insufficient resources), 57P (operator intervention).
const POSTGRES_STATES = /^(08...|53...|57P0[1-4])$/;
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Query read timeout/i,
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /Reached the max retries per request/i,
  /Command timed out/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down)/i,
];

/** Seconds a client is told to wait: about how long a store restart or a failover takes. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { code, message, name, errors, cause } = error as { code?: unknown; message?: unknown; name?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_STATES.test(code))) return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isStoreUnavailable(inner, depth + 1))) return true;
  return isStoreUnavailable(cause, depth + 1);
}
