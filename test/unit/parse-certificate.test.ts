import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateRejected,
  assertUsableForClientAuth,
  parseCertificate,
  type ParsedCertificate,
} from '../../src/identity/certificates/parse-certificate.js';
import { makeClientCertificate, type ClientCertificate } from '../support/certificates.js';

const DAY = 24 * 60 * 60 * 1000;
let dir: string;
let rsa: ClientCertificate;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'meridian-parse-cert-'));
  rsa = await makeClientCertificate({ commonName: 'Contoso Backup Agent' });
}, 30_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `openssl x509 -fingerprint` prints "SHA1 Fingerprint=AB:CD:..."; reduce it to bare uppercase hex. */
function opensslFingerprint(file: string, inform: 'PEM' | 'DER', digest: 'sha1' | 'sha256'): string {
  const out = openssl(['x509', '-in', file, '-inform', inform, '-noout', '-fingerprint', `-${digest}`]);
  const value = out.trim().split('=')[1];
  if (!value) throw new Error(`unexpected openssl output: ${out}`);
  return value.replace(/:/g, '').toUpperCase();
}

/** A certificate made by the openssl CLI, so Key Usage reading is checked against a second encoder. */
function opensslCertificate(name: string, newkey: string[], extraArgs: string[] = []): string {
  const certFile = path.join(dir, `${name}.pem`);
  openssl([
    'req', '-x509', '-nodes', '-days', '2', '-subj', `/CN=${name}/O=Contoso`,
    ...newkey, '-keyout', path.join(dir, `${name}-key.pem`), '-out', certFile, ...extraArgs,
  ]);
  return certFile;
}
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

function rejection(action: () => unknown): CertificateRejected {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CertificateRejected);
    return error as CertificateRejected;
  }
  throw new Error('expected a CertificateRejected, nothing was thrown');
}

describe('parseCertificate', () => {
  it('reads a PEM certificate and derives the identifiers', () => {
    const parsed = parseCertificate(rsa.certPem);

    expect(parsed.der.equals(rsa.certDer)).toBe(true);
    expect(parsed.subject).toBe('CN=Contoso Backup Agent');
    expect(parsed.issuer).toBe('CN=Contoso Backup Agent');
    expect(parsed.thumbprintSha1).toBe(rsa.thumbprintSha1);
    expect(parsed.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
    expect(parsed.thumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
    expect(parsed.x5t).toBe(rsa.x5t);
    expect(parsed.x5tS256).toBe(rsa.x5tS256);
    expect(Buffer.from(parsed.x5t, 'base64url').toString('hex').toUpperCase()).toBe(parsed.thumbprintSha1);
    expect(Buffer.from(parsed.x5tS256, 'base64url').toString('hex').toUpperCase()).toBe(parsed.thumbprintSha256);
    expect(parsed.keyAlgorithm).toBe('RSA');
    expect(parsed.hasDigitalSignature).toBe(true);
    expect(parsed.serialNumber).toMatch(/^[0-9A-F]+$/);
    expect(parsed.notBefore.getTime()).toBeLessThan(Date.now());
    expect(parsed.notAfter.getTime()).toBeGreaterThan(Date.now() + 300 * DAY);
    const expectedSpki = createPublicKey(rsa.privateKey).export({ format: 'der', type: 'spki' });
    expect(parsed.publicKey.type).toBe('public');
    expect(parsed.publicKey.export({ format: 'der', type: 'spki' }).equals(expectedSpki)).toBe(true);
    expect(parseCertificate(parsed.pem).thumbprintSha1).toBe(parsed.thumbprintSha1);
  });

  it('reads DER bytes (.cer) and matches openssl fingerprints for both encodings', () => {
    const pemFile = path.join(dir, 'client.pem');
    const cerFile = path.join(dir, 'client.cer');
    writeFileSync(pemFile, rsa.certPem);
    writeFileSync(cerFile, rsa.certDer);

    const fromDer = parseCertificate(readFileSync(cerFile));
    const fromPem = parseCertificate(readFileSync(pemFile, 'utf8'));

    for (const parsed of [fromDer, fromPem]) {
      expect(parsed.thumbprintSha1).toBe(opensslFingerprint(cerFile, 'DER', 'sha1'));
      expect(parsed.thumbprintSha1).toBe(opensslFingerprint(pemFile, 'PEM', 'sha1'));
      expect(parsed.thumbprintSha256).toBe(opensslFingerprint(cerFile, 'DER', 'sha256'));
      expect(parsed.thumbprintSha256).toBe(opensslFingerprint(pemFile, 'PEM', 'sha256'));
    }
    expect(fromDer.der.equals(fromPem.der)).toBe(true);
  });

  it('agrees with openssl on a certificate openssl made', () => {
    const file = opensslCertificate('openssl-made', EC_KEY, ['-addext', 'keyUsage=critical,digitalSignature']);
    const parsed = parseCertificate(readFileSync(file));

    expect(parsed.thumbprintSha1).toBe(opensslFingerprint(file, 'PEM', 'sha1'));
    expect(parsed.thumbprintSha256).toBe(opensslFingerprint(file, 'PEM', 'sha256'));
    expect(parsed.serialNumber).toBe(openssl(['x509', '-in', file, '-noout', '-serial']).trim().replace('serial=', ''));
    expect(parsed.subject).toBe('CN=openssl-made, O=Contoso');
    expect(parsed.keyAlgorithm).toBe('EC');
    expect(parsed.hasDigitalSignature).toBe(true);
  });

  it('reads Key Usage written by openssl: absent, without and with digitalSignature', () => {
    const without = opensslCertificate('ku-encipher', EC_KEY, ['-addext', 'keyUsage=critical,keyEncipherment']);
    const none = opensslCertificate('ku-none', EC_KEY);
    const mixed = opensslCertificate('ku-mixed', EC_KEY, ['-addext', 'keyUsage=nonRepudiation,digitalSignature']);

    expect(openssl(['x509', '-in', none, '-noout', '-text'])).not.toContain('Key Usage: ');
    expect(parseCertificate(readFileSync(without, 'utf8')).hasDigitalSignature).toBe(false);
    expect(parseCertificate(readFileSync(none, 'utf8')).hasDigitalSignature).toBe(false);
    expect(parseCertificate(readFileSync(mixed, 'utf8')).hasDigitalSignature).toBe(true);
  });

  it('names the key algorithm for EC and Ed25519 keys', async () => {
    const ec = await makeClientCertificate({ keyType: 'EC' });
    expect(parseCertificate(ec.certPem).keyAlgorithm).toBe('EC');
    const ed = opensslCertificate('ed25519', ['-newkey', 'ed25519'], ['-addext', 'keyUsage=digitalSignature']);
    const parsed = parseCertificate(readFileSync(ed, 'utf8'));
    expect(parsed.keyAlgorithm).toBe('Ed25519');
    expect(parsed.publicKey.asymmetricKeyType).toBe('ed25519');
  });

  it('takes the first CERTIFICATE block of a bundle, skipping keys and tolerating CRLF, BOM and chatter', async () => {
    const other = await makeClientCertificate({ keyType: 'EC', commonName: 'Second' });
    const bundle = [
      'Bag Attributes',
      '    localKeyID: 01 00 00 00',
      rsa.privateKeyPem.trim(),
      'subject=CN = Contoso Backup Agent',
      rsa.certPem.trim(),
      other.certPem.trim(),
      '',
    ].join('\r\n');

    const parsed = parseCertificate('\uFEFF' + bundle.replace(/\n/g, '\r\n'));
    expect(parsed.thumbprintSha1).toBe(rsa.thumbprintSha1);
    expect(parseCertificate(Buffer.from(bundle)).thumbprintSha1).toBe(rsa.thumbprintSha1);
  });

  it('reads base64 DER without armour, as text, bytes or UTF-16 (Windows PowerShell output)', () => {
    const oneLine = rsa.certDer.toString('base64');
    const wrapped = (oneLine.match(/.{1,76}/g) ?? []).join('\r\n') + '\r\n';

    expect(parseCertificate(oneLine).thumbprintSha1).toBe(rsa.thumbprintSha1);
    expect(parseCertificate(wrapped).thumbprintSha1).toBe(rsa.thumbprintSha1);
    expect(parseCertificate(Buffer.from(wrapped)).thumbprintSha1).toBe(rsa.thumbprintSha1);
    expect(parseCertificate(rsa.certDer.toString('base64url')).thumbprintSha1).toBe(rsa.thumbprintSha1);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rsa.certPem, 'utf16le')]);
    expect(parseCertificate(utf16).thumbprintSha1).toBe(rsa.thumbprintSha1);
  });

  it('ignores bytes after the certificate in a .cer file', () => {
    const padded = Buffer.concat([rsa.certDer, Buffer.from('\r\n\0\0')]);
    const parsed = parseCertificate(padded);
    expect(parsed.thumbprintSha1).toBe(rsa.thumbprintSha1);
    expect(parsed.der.equals(rsa.certDer)).toBe(true);
  });
});

describe('parseCertificate rejects', () => {
  it.each([
    ['plain text', 'hello world'],
    ['an empty string', ''],
    ['whitespace', ' \r\n\t '],
    ['random bytes', randomBytes(512)],
    ['base64 of random bytes', randomBytes(300).toString('base64')],
    ['a DER header promising more than there is', Buffer.from([0x30, 0x82, 0x04, 0x00, 0x30, 0x82])],
    ['a PEM block without an END line', '-----BEGIN CERTIFICATE-----\nMIIB\n'],
    ['a PEM block whose body is not base64', '-----BEGIN CERTIFICATE-----\n!!not base64!!\n-----END CERTIFICATE-----\n'],
    [
      'a PEM block of random DER',
      `-----BEGIN CERTIFICATE-----\n${Buffer.concat([Buffer.from([0x30, 0x81, 0xb4]), randomBytes(180)]).toString('base64')}\n-----END CERTIFICATE-----\n`,
    ],
    ['PEM with only a public key', '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n'],
  ])('%s as unreadable', (_name, input) => {
    const error = rejection(() => parseCertificate(input));
    expect(error.reason).toBe('unreadable');
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.message).not.toMatch(/routines|asn1|ERR_/i);
  });

  it('a truncated .cer as unreadable', () => {
    const error = rejection(() => parseCertificate(rsa.certDer.subarray(0, rsa.certDer.length - 40)));
    expect(error.reason).toBe('unreadable');
    expect(error.message).toMatch(/truncated/);
  });

  it('a private key alone, saying so without echoing it', () => {
    const error = rejection(() => parseCertificate(rsa.privateKeyPem));
    expect(error.reason).toBe('unreadable');
    expect(error.message).toMatch(/private key/i);
    expect(error.message).not.toContain(rsa.privateKeyPem.split('\n')[1]);
  });

  it('a .pfx uploaded instead of the .cer, naming the mistake', () => {
    const keyFile = path.join(dir, 'pfx-key.pem');
    const certFile = path.join(dir, 'pfx-cert.pem');
    const pfxFile = path.join(dir, 'bundle.pfx');
    writeFileSync(keyFile, rsa.privateKeyPem);
    writeFileSync(certFile, rsa.certPem);
    openssl(['pkcs12', '-export', '-inkey', keyFile, '-in', certFile, '-passout', 'pass:secret', '-out', pfxFile]);

    const error = rejection(() => parseCertificate(readFileSync(pfxFile)));
    expect(error.reason).toBe('unreadable');
    expect(error.message).toMatch(/PKCS#12/);
  });

  it('input over 64 KiB as too_large, but accepts exactly 64 KiB', () => {
    expect(rejection(() => parseCertificate(Buffer.alloc(64 * 1024 + 1, 0x41))).reason).toBe('too_large');
    expect(rejection(() => parseCertificate(rsa.certPem + ' '.repeat(70_000))).reason).toBe('too_large');
    // Multi-byte characters count as bytes, not UTF-16 units.
    expect(rejection(() => parseCertificate(rsa.certPem + 'é'.repeat(33_000))).reason).toBe('too_large');

    const exact = rsa.certPem + '\n'.repeat(64 * 1024 - Buffer.byteLength(rsa.certPem));
    expect(Buffer.byteLength(exact)).toBe(64 * 1024);
    expect(parseCertificate(exact).thumbprintSha1).toBe(rsa.thumbprintSha1);
  });

  it('hostile PEM markers quickly', () => {
    const started = Date.now();
    const error = rejection(() => parseCertificate('-----BEGIN '.repeat(5_900)));
    expect(error.reason).toBe('unreadable');
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('assertUsableForClientAuth', () => {
  const now = new Date();

  it('accepts a current certificate with Digital Signature, including at the exact notAfter instant', async () => {
    const parsed = parseCertificate(rsa.certPem);
    expect(() => assertUsableForClientAuth(parsed, now)).not.toThrow();
    expect(() => assertUsableForClientAuth(parsed, parsed.notAfter)).not.toThrow();
    expect(() => assertUsableForClientAuth(parsed, parsed.notBefore)).not.toThrow();
  });

  it('rejects an expired certificate, naming the date', async () => {
    const notAfter = new Date(Math.floor((now.getTime() - 30 * DAY) / 1000) * 1000);
    const cert = await makeClientCertificate({ notBefore: new Date(now.getTime() - 400 * DAY), notAfter });
    const parsed = parseCertificate(cert.certPem);
    expect(parsed.notAfter.getTime()).toBe(notAfter.getTime());

    const error = rejection(() => assertUsableForClientAuth(parsed, now));
    expect(error.reason).toBe('expired');
    expect(error.message).toContain(notAfter.toISOString());
    expect(error.message).toMatch(/expired/);
  });

  it('rejects a certificate that is not valid yet, naming the date', async () => {
    const notBefore = new Date(Math.floor((now.getTime() + 2 * DAY) / 1000) * 1000);
    const cert = await makeClientCertificate({ notBefore, notAfter: new Date(now.getTime() + 400 * DAY) });
    const parsed = parseCertificate(cert.certDer);

    const error = rejection(() => assertUsableForClientAuth(parsed, now));
    expect(error.reason).toBe('not_yet_valid');
    expect(error.message).toContain(notBefore.toISOString());
  });

  it.each([
    ['Key Usage without Digital Signature', 'keyEncipherment-only' as const],
    ['no Key Usage extension at all', 'none' as const],
  ])('rejects %s', async (_name, keyUsage) => {
    const cert = await makeClientCertificate({ keyUsage, keyType: 'EC' });
    const parsed: ParsedCertificate = parseCertificate(cert.certPem);
    expect(parsed.hasDigitalSignature).toBe(false);

    const error = rejection(() => assertUsableForClientAuth(parsed, now));
    expect(error.reason).toBe('no_digital_signature');
    expect(error.message).toBe("The certificate's Key Usage extension must include Digital Signature");
  });
});
