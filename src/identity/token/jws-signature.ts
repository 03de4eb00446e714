import { constants, verify, type KeyObject } from 'node:crypto';

interface AlgorithmSpec {
  /** The digest node:crypto hashes with; null for EdDSA, which hashes inside the algorithm. */
  hash: string | null;
  accepts(key: KeyObject): boolean;
  options?: { padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' };
}

const rsa = (hash: string, pss = false): AlgorithmSpec => ({
  hash,
  accepts: (key) => key.asymmetricKeyType === 'rsa',
  ...(pss ? { options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } } : {}),
});
// JWS carries ECDSA signatures as r || s (RFC 7518 §3.4), not DER; each alg names one curve.
const ecdsa = (hash: string, curve: string): AlgorithmSpec => ({
  hash,
  accepts: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve,
  options: { dsaEncoding: 'ieee-p1363' },
});

/** The asymmetric JWS algorithms of RFC 7518 §3 (and RFC 8037 EdDSA), each tied to its key type. */
const ALGORITHMS: Record<string, AlgorithmSpec> = {
  RS256: rsa('sha256'),
  RS384: rsa('sha384'),
  RS512: rsa('sha512'),
  PS256: rsa('sha256', true),
  PS384: rsa('sha384', true),
  PS512: rsa('sha512', true),
  ES256: ecdsa('sha256', 'prime256v1'),
  ES384: ecdsa('sha384', 'secp384r1'),
  ES512: ecdsa('sha512', 'secp521r1'),
  EdDSA: { hash: null, accepts: (key) => key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' },
};

export const JWS_ASYMMETRIC_ALGORITHMS = Object.keys(ALGORITHMS);

/**
 * Whether a compact JWS was signed by `key` with `alg`, with node:crypto directly: the token is
 * decoded once by the caller, and the check costs the signature alone (fast-jwt's verifier
 * decoded it again; jose's WebCrypto path cost about three times as much; node's asynchronous
 * verify was measured to cost the event loop more, not less). An algorithm that does not fit the
 * key's type (HS256 with a certificate's key, RS256 with an EC key) is false, never tried.
 */
export function jwsSignedBy(compact: string, alg: string, key: KeyObject): boolean {
  const spec = Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
  const dot = compact.lastIndexOf('.');
  if (!spec || !spec.accepts(key) || dot <= 0) return false;
  const signature = Buffer.from(compact.slice(dot + 1), 'base64url');
  if (signature.length === 0) return false;
  try {
    return verify(spec.hash, Buffer.from(compact.slice(0, dot), 'ascii'), { key, ...spec.options }, signature);
  } catch {
    // A malformed signature (wrong length for the curve, say) is a failed check, not a fault.
    return false;
  }
}
