import { X509Certificate, type KeyObject } from 'node:crypto';
import { createDecoder } from 'fast-jwt';
import type { Clock } from '../../platform/clock.js';
import type { AppRow, Directory, LiveCertificate, TenantRow } from '../directory.js';
import { secretMatches } from '../client-secrets.js';
import type { ReplayCache } from '../replay-cache.js';
import { clientAuthenticationFailed, oauthError } from './oauth-error.js';
import { JWS_ASYMMETRIC_ALGORITHMS, jwsSignedBy } from './jws-signature.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** RFC 7523 §3 and RFC 7518: only asymmetric signatures prove possession of a certificate's key. */
export const ASSERTION_ALGORITHMS = JWS_ASYMMETRIC_ALGORITHMS;
export const MAX_ASSERTION_LENGTH = 8 * 1024;
/** Allowed clock difference for `nbf`, `iat` and `exp`. */
export const CLOCK_SKEW_SECONDS = 60;
/**
 * The documented .NET sample mints assertions valid for one hour; anything meant to live
 * much longer is refused so that a leaked assertion is useful only briefly.
 */
export const MAX_ASSERTION_LIFETIME_SECONDS = 60 * 60 + 5 * 60;

export interface TokenRequestCredentials {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  clientAssertionType?: string | undefined;
  clientAssertion?: string | undefined;
  authorization?: string | undefined;
}

export interface AuthenticatedClient {
  app: AppRow;
  tenant: TenantRow;
  method: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
}

export interface ClientAuthenticatorOptions {
  directory: Directory;
  replayCache: ReplayCache;
  clock: Clock;
  /** Accepted `aud` values of an assertion: the token endpoint URL and the issuer. */
  audiences: () => string[];
  replayKeyPrefix: string;
}

/**
 * Client authentication for the token endpoint: client_secret_basic and _post (RFC 6749
 * §2.3.1) and private_key_jwt (RFC 7523 §2.2, §3; OIDC Core §9). Exactly one method per request.
 */
export class ClientAuthenticator {
  constructor(private readonly options: ClientAuthenticatorOptions) {}

  async authenticate(request: TokenRequestCredentials): Promise<AuthenticatedClient> {
    const basic = request.authorization ? parseBasic(request.authorization) : undefined;
    const methods = [basic ? 1 : 0, request.clientSecret !== undefined ? 1 : 0, request.clientAssertion !== undefined ? 1 : 0];
    const count = methods.reduce((a, b) => a + b, 0);
    if (count > 1) throw oauthError('invalid_request', 'Use exactly one client authentication method per request.');
    if (basic) {
      if (request.clientId !== undefined && request.clientId !== basic.clientId) {
        throw oauthError('invalid_request', 'client_id does not match the client of the Authorization header.');
      }
      return this.bySecret(basic.clientId, basic.secret, 'client_secret_basic');
    }
    if (request.clientSecret !== undefined) {
      if (!request.clientId) throw oauthError('invalid_request', 'client_id is required with client_secret.');
      return this.bySecret(request.clientId, request.clientSecret, 'client_secret_post');
    }
    if (request.clientAssertion !== undefined || request.clientAssertionType !== undefined) {
      if (request.clientAssertionType !== JWT_BEARER_ASSERTION) {
        throw oauthError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION}.`);
      }
      if (!request.clientAssertion) throw oauthError('invalid_request', 'client_assertion is required with client_assertion_type.');
      return this.byAssertion(request.clientAssertion, request.clientId);
    }
    throw oauthError('invalid_client', 'No client authentication was provided: send client_secret, HTTP Basic credentials or a client_assertion.', 401);
  }

  private async bySecret(clientId: string, secret: string, method: 'client_secret_basic' | 'client_secret_post'): Promise<AuthenticatedClient> {
    const usedBasic = method === 'client_secret_basic';
    if (secret.length === 0 || secret.length > 512) throw clientAuthenticationFailed(usedBasic);
    const found = await this.options.directory.clientWithLiveSecrets(clientId, this.options.clock.nowMs());
    if (!found) throw clientAuthenticationFailed(usedBasic);
    // Compare against every live secret, not stopping at the first match, so timing says nothing about which matched.
    let matched = false;
    for (const hash of found.secretHashes) matched = secretMatches(secret, hash) || matched;
    if (!matched) throw clientAuthenticationFailed(usedBasic);
    return { app: found.app, tenant: found.tenant, method };
  }

  private async byAssertion(assertion: string, clientIdParameter: string | undefined): Promise<AuthenticatedClient> {
    if (assertion.length > MAX_ASSERTION_LENGTH) throw oauthError('invalid_client', `client_assertion is larger than ${MAX_ASSERTION_LENGTH} bytes.`, 401);
    const { header, payload: claims } = decodeAssertion(assertion);
    if (typeof header.alg !== 'string' || !ASSERTION_ALGORITHMS.includes(header.alg)) {
      throw oauthError('invalid_client', `client_assertion must be signed with an asymmetric algorithm (${ASSERTION_ALGORITHMS.join(', ')}); '${String(header.alg)}' is not accepted.`, 401);
    }
    // RFC 7515 §4.1.11: an extension the signer marks critical must be understood; Meridian understands none.
    if (header.crit !== undefined) throw oauthError('invalid_client', 'client_assertion names critical header extensions (crit), which are not supported.', 401);
    const clientId = claims.iss;
    if (typeof clientId !== 'string' || claims.sub !== clientId) {
      throw oauthError('invalid_client', 'client_assertion must carry iss and sub both equal to the client id.', 401);
    }
    if (clientIdParameter !== undefined && clientIdParameter !== clientId) {
      throw oauthError('invalid_client', 'client_id does not match the issuer of client_assertion.', 401);
    }
    const now = this.options.clock.nowMs();
    // Claims are checked before the signature: a refusal then names the claim, and costs no key work.
    const { exp, jti } = checkAssertionClaims(claims, this.options.audiences(), Math.floor(now / 1000));
    const found = await this.options.directory.clientWithLiveCertificates(clientId, now);
    if (!found) throw clientAuthenticationFailed(false);
    const candidates = selectCertificates(found.certificates, header);
    if (candidates.length === 0) {
      throw oauthError('invalid_client', 'No valid certificate of this app matches the client_assertion (x5t, x5t#S256 or kid).', 401);
    }
    const keys = await Promise.all(candidates.map((certificate) => this.publicKeyOf(certificate)));
    if (!keys.some((key) => key !== undefined && jwsSignedBy(assertion, header.alg as string, key))) {
      throw oauthError('invalid_client', 'client_assertion signature does not verify against any valid certificate of this app.', 401);
    }
    const fresh = await this.options.replayCache.claim(`${this.options.replayKeyPrefix}${clientId}:${jti}`, (exp + CLOCK_SKEW_SECONDS) * 1000);
    if (!fresh) throw oauthError('invalid_client', 'client_assertion was already used (jti replay).', 401);
    return { app: found.app, tenant: found.tenant, method: 'private_key_jwt' };
  }

  /** A certificate's public key, parsed once per certificate (a certificate never changes; a removed one is no longer live). */
  private async publicKeyOf(certificate: LiveCertificate): Promise<KeyObject | undefined> {
    let key = publicKeys.get(certificate.id);
    if (!key) {
      const der = await this.options.directory.certificateDer(certificate.id);
      if (der === undefined) return undefined;
      key = new X509Certificate(Buffer.from(der, 'base64')).publicKey;
      if (publicKeys.size > 10_000) publicKeys.clear();
      publicKeys.set(certificate.id, key);
    }
    return key;
  }
}

const publicKeys = new Map<string, KeyObject>();

interface DecodedAssertion {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const decodeComplete = createDecoder({ complete: true });

function decodeAssertion(assertion: string): DecodedAssertion {
  try {
    const decoded = decodeComplete(assertion) as DecodedAssertion;
    if (typeof decoded.payload !== 'object' || decoded.payload === null || Array.isArray(decoded.payload)) throw new Error('payload is not a JSON object');
    return decoded;
  } catch {
    throw oauthError('invalid_client', 'client_assertion is not a well-formed JWT.', 401);
  }
}

/**
 * RFC 7523 §3: `aud`, `exp`, `nbf`, `iat` and `jti`, judged against Meridian's clock (tests
 * move it), with CLOCK_SKEW_SECONDS of tolerance and a bounded lifetime.
 */
function checkAssertionClaims(claims: Record<string, unknown>, audiences: string[], nowSeconds: number): { exp: number; jti: string } {
  const refuse = (description: string) => oauthError('invalid_client', description, 401);
  const aud = claims.aud;
  const named = Array.isArray(aud) ? aud : [aud];
  if (!named.some((value) => typeof value === 'string' && audiences.includes(value))) {
    throw refuse('client_assertion audience (aud) must be the token endpoint URL or the issuer.');
  }
  const { exp, nbf, iat, jti } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw refuse('client_assertion must carry a numeric exp.');
  if (exp + CLOCK_SKEW_SECONDS <= nowSeconds) throw refuse('client_assertion has expired.');
  if (exp - nowSeconds > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw refuse(`client_assertion expires too far in the future; at most ${MAX_ASSERTION_LIFETIME_SECONDS} seconds are accepted.`);
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - CLOCK_SKEW_SECONDS > nowSeconds)) throw refuse('client_assertion is not yet valid (nbf).');
  if (iat !== undefined && (typeof iat !== 'number' || iat - CLOCK_SKEW_SECONDS > nowSeconds)) throw refuse('client_assertion was issued in the future (iat).');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refuse('client_assertion must carry a jti of at most 256 characters.');
  return { exp, jti };
}

function parseBasic(header: string): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw clientAuthenticationFailed(true);
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    return { clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    throw clientAuthenticationFailed(true);
  }
}

/** The certificates the assertion names by thumbprint, or all of them when it names none. */
function selectCertificates(certificates: LiveCertificate[], header: Record<string, unknown>): LiveCertificate[] {
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string) : undefined;
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  if (!x5t && !x5tS256 && !kid) return certificates;
  return certificates.filter((cert) => {
    const sha1 = Buffer.from(cert.thumbprint_sha1, 'hex');
    const sha256 = Buffer.from(cert.thumbprint_sha256, 'hex');
    if (x5tS256 !== undefined) return x5tS256 === sha256.toString('base64url');
    if (x5t !== undefined) return x5t === sha1.toString('base64url');
    const wanted = kid!.toUpperCase();
    return wanted === cert.thumbprint_sha1 || wanted === cert.thumbprint_sha256 || kid === sha1.toString('base64url') || kid === sha256.toString('base64url');
  });
}

