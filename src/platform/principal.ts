/** Who is calling a regional route, as proven by the access token. */
export interface Principal {
  clientId: string;
  tenantId: string;
  tenantRegion: string;
  scopes: ReadonlySet<string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
  interface FastifyContextConfig {
    /** The permission a token needs for this route; any one of a list suffices. */
    permission?: string | readonly string[];
    /** Routes anyone may call (documents, health); everything else needs a token. */
    public?: boolean;
  }
}
