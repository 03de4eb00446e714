import { X509Certificate, createHash, createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { createHttpClient } from '../platform/http-client.js';
import { AuthenticationError } from './errors.js';

export interface AccessToken {
  token: string;
  expiresOnMs: number;
}

/** Gives access tokens for a scope; the client asks again (forceRefresh) after a 401. */
export interface TokenCredential {
  getToken(scope: string, options?: { forceRefresh?: boolean }): Promise<AccessToken>;
}

export interface CredentialOptions {
  /** The identity host, e.g. https://identity.avepointonlineservices.com (or Meridian's printed identity URL). */
  identityUrl: string;
  clientId: string;
  /** PEM of a private CA to trust (Meridian's local CA: data/tls/ca.pem). */
  caPem?: string;
  fetch?: typeof fetch;
  /** A token is renewed this long before it expires (default 5 minutes). */
  refreshMarginMs?: number;
}

/**
 * The client_credentials grant with one cached token per scope: renewed shortly before it
 * expires, one request at a time however many calls wait for it.
 */
abstract class CachedTokenCredential implements TokenCredential {
  private readonly cache = new Map<string, Promise<AccessToken>>();
  protected readonly http: typeof fetch;
  protected readonly tokenUrl: string;

  constructor(protected readonly options: CredentialOptions) {
    this.http = options.fetch ?? createHttpClient(options.caPem ?? null);
    this.tokenUrl = `${options.identityUrl.replace(/\/+$/, '')}/connect/token`;
  }

  protected abstract credentialFields(): Promise<Record<string, string>>;

  async getToken(scope: string, options: { forceRefresh?: boolean } = {}): Promise<AccessToken> {
    const cached = this.cache.get(scope);
    if (cached && !options.forceRefresh) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresOnMs - (this.options.refreshMarginMs ?? 300_000) > Date.now()) return token;
    }
    const pending = this.requestToken(scope);
    this.cache.set(scope, pending);
    pending.catch(() => this.cache.get(scope) === pending && this.cache.delete(scope));
    return pending;
  }

  private async requestToken(scope: string): Promise<AccessToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope, ...(await this.credentialFields()) });
    const response = await this.http(this.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const text = await response.text();
    let body: { access_token?: string; expires_in?: number; error?: string; error_description?: string } = {};
    try {
      body = text ? (JSON.parse(text) as typeof body) : {};
    } catch {
      // Not JSON: reported below with the status.
    }
    if (!response.ok || !body.access_token) {
      throw new AuthenticationError(response.status, body, response.headers.get('request-id'), body.error ?? null, body.error_description ?? text);
    }
    return { token: body.access_token, expiresOnMs: Date.now() + (body.expires_in ?? 3600) * 1000 };
  }
}

/** A client secret, sent as client_secret_post. */
export class ClientSecretCredential extends CachedTokenCredential {
  constructor(options: CredentialOptions & { clientSecret: string }) {
    super(options);
    this.secret = options.clientSecret;
  }

  private readonly secret: string;

  protected async credentialFields(): Promise<Record<string, string>> {
    return { client_id: this.options.clientId, client_secret: this.secret };
  }
}

export interface CertificateCredentialOptions extends CredentialOptions {
  /** The private key: a KeyObject or PEM (PKCS#8 or PKCS#1). */
  privateKey: KeyObject | string;
  /** The uploaded certificate (PEM, or DER bytes of the .cer); its thumbprint names the key. */
  certificate: string | Buffer;
  /** Default: RS256 for an RSA key, ES256/ES384/ES512 for an EC key of that curve. */
  algorithm?: string;
  /** Assertion lifetime in seconds (default 300; the identity host accepts up to 65 minutes). */
  assertionLifetimeSeconds?: number;
}

/**
 * A JWT client assertion signed with the certificate's private key, as the docs' .NET sample
 * makes it: iss = sub = client id, aud = the token URL, a fresh jti, x5t = the SHA-1 thumbprint.
 */
export class CertificateCredential extends CachedTokenCredential {
  private readonly key: KeyObject;
  private readonly x5t: string;
  private readonly thumbprint: string;

  constructor(private readonly certificateOptions: CertificateCredentialOptions) {
    super(certificateOptions);
    this.key = typeof certificateOptions.privateKey === 'string' ? createPrivateKey(certificateOptions.privateKey) : certificateOptions.privateKey;
    const der = new X509Certificate(certificateOptions.certificate).raw;
    const sha1 = createHash('sha1').update(der).digest();
    this.x5t = sha1.toString('base64url');
    this.thumbprint = sha1.toString('hex').toUpperCase();
  }

  protected async credentialFields(): Promise<Record<string, string>> {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: randomUUID(), sub: this.options.clientId })
      .setProtectedHeader({ alg: this.certificateOptions.algorithm ?? algorithmOf(this.key), typ: 'JWT', x5t: this.x5t, kid: this.thumbprint })
      .setIssuer(this.options.clientId)
      .setAudience(this.tokenUrl)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + (this.certificateOptions.assertionLifetimeSeconds ?? 300))
      .sign(this.key);
    return { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
  }
}

function algorithmOf(key: KeyObject): string {
  if (key.asymmetricKeyType !== 'ec') return 'RS256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256';
}
