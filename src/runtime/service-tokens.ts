export interface ServiceTokenRequest {
  tenantId: string;
  region: string;
  scopes: string[];
}

/**
 * Service tokens by tenant, data center and scopes, reused until shortly before they expire:
 * one signature per customer every few minutes, not one per call the global endpoint makes.
 */
export class ServiceTokenCache {
  private readonly tokens = new Map<string, { token: Promise<string>; until: number }>();

  constructor(private readonly mint: (request: ServiceTokenRequest) => Promise<{ access_token: string; expires_in: number }>) {}

  token(request: ServiceTokenRequest): Promise<string> {
    const key = `${request.tenantId}|${request.region}|${request.scopes.join(' ')}`;
    const cached = this.tokens.get(key);
    if (cached && cached.until > Date.now()) return cached.token;
    if (this.tokens.size > 50_000) this.tokens.clear();
    const until = { value: Date.now() + 60_000 };
    const token = this.mint(request).then(
      (issued) => {
        until.value = Date.now() + Math.max(0, issued.expires_in - 120) * 1000;
        this.tokens.set(key, { token, until: until.value });
        return issued.access_token;
      },
      (error: unknown) => {
        this.tokens.delete(key);
        throw error;
      },
    );
    this.tokens.set(key, { token, until: until.value });
    return token;
  }
}
