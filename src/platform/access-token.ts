/** The resource every access token is issued for; environments are told apart by their issuer. */
export const ACCESS_TOKEN_AUDIENCE = 'https://graph.avepointonlineservices.com';
export const ACCESS_TOKEN_ALG = 'RS256';
