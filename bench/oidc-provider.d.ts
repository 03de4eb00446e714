/** node-oidc-provider ships no types; the benchmark uses its documented constructor and callback() only. */
declare module 'oidc-provider';
