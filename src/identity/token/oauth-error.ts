import { ApiError } from '../../platform/errors.js';

/** RFC 6749 §5.2 error codes. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export const oauthError = (code: OAuthErrorCode, description: string, status = 400, headers: Record<string, string> = {}) =>
  new ApiError(status, code, description, headers);

/**
 * One answer for an unknown client, a wrong secret and an expired or deleted secret, so
 * the endpoint never tells an attacker which client ids exist.
 */
export const clientAuthenticationFailed = (usedBasic: boolean) =>
  oauthError('invalid_client', 'Client authentication failed.', 401, usedBasic ? { 'www-authenticate': 'Basic realm="identity", charset="UTF-8"' } : {});
