import { SignJWT } from 'jose';
import { newId } from '../../platform/ids.js';
import type { Clock } from '../../platform/clock.js';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_AUDIENCE } from '../../platform/access-token.js';
import type { SigningKeys } from '../signing-keys.js';

export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

export interface AccessTokenClaims {
  clientId: string;
  appName: string;
  tenantId: string;
  tenantRegion: string;
  scopes: string[];
  /** A registered app's token (from the token endpoint): carries its registration's claims. */
  registered?: boolean;
}

export interface IssuedToken {
  token_type: 'Bearer';
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  scope: string;
}

/** Claims an app's registration adds to its tokens (the Elements customer scope). */
export type RegistrationClaims = (clientId: string, tenantId: string) => Promise<Record<string, unknown>>;

export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly clock: Clock,
    private readonly issuer: () => string,
    private readonly registrationClaims: RegistrationClaims = async () => ({}),
  ) {}

  async issue(claims: AccessTokenClaims, lifetimeSeconds = ACCESS_TOKEN_LIFETIME_SECONDS): Promise<IssuedToken> {
    const key = await this.keys.activeKey();
    const now = Math.floor(this.clock.nowMs() / 1000);
    const scope = claims.scopes.join(' ');
    const extra = claims.registered ? await this.registrationClaims(claims.clientId, claims.tenantId) : {};
    const accessToken = await new SignJWT({
      ...extra,
      client_id: claims.clientId,
      app_displayname: claims.appName,
      tid: claims.tenantId,
      tenant_region: claims.tenantRegion,
      scope,
    })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer())
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(claims.clientId)
      .setJti(newId())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(key.privateKey);
    return { token_type: 'Bearer', expires_in: lifetimeSeconds, ext_expires_in: lifetimeSeconds, access_token: accessToken, scope };
  }
}
