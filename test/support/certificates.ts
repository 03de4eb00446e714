/**
 * Real self-signed client certificates for tests. Thumbprints are computed here directly with
 * node:crypto (not through the code under test) so tests compare against an independent value.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, createHash, randomBytes, webcrypto } from 'node:crypto';

export interface ClientCertificateOptions {
  keyUsage?: 'digitalSignature' | 'keyEncipherment-only' | 'none';
  notBefore?: Date;
  notAfter?: Date;
  keyType?: 'RSA' | 'EC';
  commonName?: string;
}

export interface ClientCertificate {
  certPem: string;
  certDer: Buffer;
  privateKey: KeyObject;
  privateKeyPem: string;
  thumbprintSha1: string;
  x5t: string;
  x5tS256: string;
}

const provider = webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1];

const RSA_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5', // what RS256 signs with
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;
const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * RSA generation costs hundreds of milliseconds on the CI machines, so every RSA certificate in a
 * process shares one key pair. Tests that need distinct keys should use keyType 'EC' (fresh each time).
 */
let sharedRsaKeys: Promise<webcrypto.CryptoKeyPair> | undefined;

function rsaKeys(): Promise<webcrypto.CryptoKeyPair> {
  sharedRsaKeys ??= webcrypto.subtle.generateKey(RSA_ALGORITHM, true, ['sign', 'verify']).catch((error: unknown) => {
    sharedRsaKeys = undefined;
    throw error;
  });
  return sharedRsaKeys;
}

export async function makeClientCertificate(opts: ClientCertificateOptions = {}): Promise<ClientCertificate> {
  const keyType = opts.keyType ?? 'RSA';
  const keys =
    keyType === 'RSA'
      ? await rsaKeys()
      : ((await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair);
  const signingAlgorithm = keyType === 'RSA' ? RSA_ALGORITHM : { name: 'ECDSA', hash: 'SHA-256' };

  const now = Date.now();
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  const keyUsage = opts.keyUsage ?? 'digitalSignature';
  if (keyUsage === 'digitalSignature') {
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
  } else if (keyUsage === 'keyEncipherment-only') {
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment, true));
  }

  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, no leading zero byte

  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: `CN=${opts.commonName ?? 'Meridian Test Client'}`,
      // X.509 times have whole seconds; callers comparing dates should allow for that.
      notBefore: opts.notBefore ?? new Date(now - 60 * 60 * 1000),
      notAfter: opts.notAfter ?? new Date(now + 365 * 24 * 60 * 60 * 1000),
      signingAlgorithm,
      keys,
      extensions,
    },
    provider,
  );

  const certDer = Buffer.from(cert.rawData);
  const sha1 = createHash('sha1').update(certDer).digest();
  const sha256 = createHash('sha256').update(certDer).digest();
  const privateKey = KeyObject.from(keys.privateKey);
  return {
    certPem: cert.toString('pem') + '\n',
    certDer,
    privateKey,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    thumbprintSha1: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
  };
}
