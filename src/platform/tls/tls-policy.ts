/**
 * What Meridian's HTTPS listeners negotiate: TLS 1.3 with its own suites (all AEAD, all
 * forward-secret), and on TLS 1.2 only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305.
 * Static-RSA key exchange, CBC modes and SHA-1 MACs are not offered. The list names both
 * ECDSA and RSA authentication so a listener serves whichever certificate it is given.
 */
export const TLS_MIN_VERSION = 'TLSv1.2';
export const TLS_MAX_VERSION = 'TLSv1.3';

export const TLS13_CIPHER_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];

export const TLS12_CIPHER_SUITES = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
];

/** Options for `https.createServer` / Fastify's `https`. */
export const TLS_SERVER_POLICY = {
  minVersion: TLS_MIN_VERSION,
  maxVersion: TLS_MAX_VERSION,
  ciphers: [...TLS13_CIPHER_SUITES, ...TLS12_CIPHER_SUITES].join(':'),
  // The server's order, not the client's: a client offering a weak-but-allowed order still gets the strongest suite.
  honorCipherOrder: true,
} as const;
