/**
 * A private certificate authority for local HTTPS, in the spirit of mkcert: the CA is
 * created once and kept, so a developer trusts `ca.pem` one time and every server
 * certificate issued later (new hostnames, renewal) is trusted without further steps.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, X509Certificate, createPrivateKey, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isIP, isIPv6 } from 'node:net';
import path from 'node:path';

export interface LocalTls {
  /** Absolute path of the CA certificate: what users add to their trust store or pass as `ca`. */
  caCertPath: string;
  /** The server (leaf) certificate only; clients complete the chain with `caPem`. */
  certPem: string;
  /** PKCS#8 private key of the server certificate. */
  keyPem: string;
  caPem: string;
}

const CA_CERT = 'ca.pem';
const CA_KEY = 'ca-key.pem';
const SERVER_CERT = 'server.pem';
const SERVER_KEY = 'server-key.pem';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Renew a bit early so a server started today does not present an expired certificate tomorrow. */
const SERVER_RENEW_MARGIN_MS = DAY_MS;
/** Apple platforms reject TLS server certificates valid for longer than this. */
const SERVER_MAX_VALIDITY_MS = 825 * DAY_MS;
const CA_VALIDITY_MS = 10 * 365 * DAY_MS;
/** A CA this close to expiry is replaced rather than reused, so its leaves are not cut short. */
const CA_RENEW_MARGIN_MS = 30 * DAY_MS;
/** Back-date certificates slightly: a client whose clock lags must not see them as not yet valid. */
const CLOCK_SKEW_MS = 60 * 60 * 1000;

const ALWAYS_COVERED = ['localhost', '127.0.0.1', '::1'];

// The CA key signs only certificates, so a small fast EC key is enough and keeps first start quick.
const CA_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const CA_SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
// The leaf is RSA because it carries keyEncipherment, which RFC 5480 does not allow on EC keys,
// and RSA leaves are accepted by every TLS client a developer may point at the server.
const SERVER_KEY_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

const subtle = webcrypto.subtle;
// Passed explicitly instead of relying on @peculiar/x509's global provider, which other code may replace.
const provider = webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.create>[1];
type CryptoKey = webcrypto.CryptoKey;

/** Per-directory queue: concurrent callers in one process must not interleave writes of one key set. */
const inFlight = new Map<string, Promise<unknown>>();

/**
 * Returns a server certificate for local HTTPS, reusing what is in `dir` when it is still good.
 * Files: `ca.pem`, `ca-key.pem` (0600), `server.pem`, `server-key.pem` (0600).
 */
export async function ensureLocalTls(
  dir: string,
  hostnames: string[] = ['localhost', '127.0.0.1', '::1'],
): Promise<LocalTls> {
  const root = path.resolve(dir);
  const names = normaliseNames([...ALWAYS_COVERED, ...hostnames]);
  const previous = inFlight.get(root) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => ensure(root, names));
  inFlight.set(root, run);
  try {
    return await run;
  } finally {
    if (inFlight.get(root) === run) inFlight.delete(root);
  }
}

async function ensure(root: string, names: string[]): Promise<LocalTls> {
  const paths = {
    caCert: path.join(root, CA_CERT),
    caKey: path.join(root, CA_KEY),
    serverCert: path.join(root, SERVER_CERT),
    serverKey: path.join(root, SERVER_KEY),
  };
  // 0700: the directory holds private keys; an existing directory keeps the mode its owner chose.
  await mkdir(root, { recursive: true, mode: 0o700 });

  const now = Date.now();
  const [caPem, certPem, keyPem, caKeyPem] = await Promise.all([
    readOptional(paths.caCert),
    readOptional(paths.serverCert),
    readOptional(paths.serverKey),
    readOptional(paths.caKey),
  ]);

  if (caPem && certPem && keyPem && serverIsReusable(caPem, certPem, keyPem, names, now)) {
    return { caCertPath: paths.caCert, certPem, keyPem, caPem };
  }

  let ca = caPem && caKeyPem ? await loadReusableCa(caPem, caKeyPem, now) : undefined;
  if (!ca) {
    ca = await createCa(now);
    // Key before certificate: a crash in between leaves a pair that fails the key check and is redone.
    await writeAtomic(paths.caKey, ca.keyPem, 0o600);
    await writeAtomic(paths.caCert, ca.certPem, 0o644);
  }

  const server = await issueServerCertificate(ca, names, now);
  await writeAtomic(paths.serverKey, server.keyPem, 0o600);
  await writeAtomic(paths.serverCert, server.certPem, 0o644);
  return { caCertPath: paths.caCert, certPem: server.certPem, keyPem: server.keyPem, caPem: ca.certPem };
}

function serverIsReusable(caPem: string, certPem: string, keyPem: string, names: string[], now: number): boolean {
  try {
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    if (!isCurrentlyValid(cert, now, SERVER_RENEW_MARGIN_MS)) return false;
    if (!isCurrentlyValid(ca, now, SERVER_RENEW_MARGIN_MS)) return false;
    // Files may have been replaced one by one (by hand or a crash mid-write): insist they still belong together.
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return false;
    return names.every((name) => covers(cert, name));
  } catch {
    // Unreadable files are simply regenerated.
    return false;
  }
}

function covers(cert: X509Certificate, name: string): boolean {
  if (isIP(name)) return cert.checkIP(name) !== undefined;
  // checkHost matches a concrete name against wildcards, not a wildcard against itself: compare the SAN entry.
  if (name.startsWith('*.')) return (cert.subjectAltName ?? '').split(', ').includes(`DNS:${name}`);
  return cert.checkHost(name) !== undefined;
}

interface LoadedCa {
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
  signingKey: CryptoKey;
  signingAlgorithm: { name: string; hash: string };
}

async function loadReusableCa(certPem: string, keyPem: string, now: number): Promise<LoadedCa | undefined> {
  try {
    const nodeCert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    if (!nodeCert.ca || !isCurrentlyValid(nodeCert, now, CA_RENEW_MARGIN_MS)) return undefined;
    if (!nodeCert.checkPrivateKey(key)) return undefined;
    const imported = await importSigningKey(key);
    if (!imported) return undefined;
    return { certPem, keyPem, cert: new x509.X509Certificate(certPem), ...imported };
  } catch {
    return undefined;
  }
}

/** Accepts the key types this module or an earlier version of it may have written; anything else means a new CA. */
async function importSigningKey(
  key: KeyObject,
): Promise<{ signingKey: CryptoKey; signingAlgorithm: { name: string; hash: string } } | undefined> {
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
    if (!namedCurve) return undefined;
    const hash = namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256';
    const signingKey = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { signingKey, signingAlgorithm: { name: 'ECDSA', hash } };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const signingKey = await subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { signingKey, signingAlgorithm: algorithm };
  }
  return undefined;
}

async function createCa(now: number): Promise<LoadedCa> {
  const keys = (await subtle.generateKey(CA_KEY_ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: 'CN=Meridian Local CA',
      notBefore: new Date(now - CLOCK_SKEW_MS),
      notAfter: new Date(now + CA_VALIDITY_MS),
      signingAlgorithm: CA_SIGNING_ALGORITHM,
      keys,
      extensions: [
        // pathLen 0: this CA only ever signs leaves, so a stolen leaf key cannot mint more certificates.
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, provider),
      ],
    },
    provider,
  );
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: exportPrivateKeyPem(keys.privateKey),
    cert,
    signingKey: keys.privateKey,
    signingAlgorithm: CA_SIGNING_ALGORITHM,
  };
}

async function issueServerCertificate(
  ca: LoadedCa,
  names: string[],
  now: number,
): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await subtle.generateKey(SERVER_KEY_ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = now - CLOCK_SKEW_MS;
  // The 825-day limit counts from notBefore, back-dating included. A leaf outliving its CA would fail
  // validation anyway; clamp so the renewal check sees the real end.
  const notAfter = Math.min(notBefore + SERVER_MAX_VALIDITY_MS, ca.cert.notAfter.getTime());
  const firstDnsName = names.find((name) => !isIP(name)) ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: `CN=${firstDnsName}`,
      issuer: ca.cert.subjectName,
      notBefore: new Date(notBefore),
      notAfter: new Date(notAfter),
      signingKey: ca.signingKey,
      signingAlgorithm: ca.signingAlgorithm,
      publicKey: keys.publicKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        // Clients match hostnames against the SAN only (the CN is ignored), so every name goes here.
        new x509.SubjectAlternativeNameExtension(
          names.map((name) => (isIP(name) ? { type: 'ip' as const, value: name } : { type: 'dns' as const, value: name })),
          false,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, provider),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false, provider),
      ],
    },
    provider,
  );
  return { certPem: cert.toString('pem') + '\n', keyPem: exportPrivateKeyPem(keys.privateKey) };
}

function isCurrentlyValid(cert: X509Certificate, now: number, margin: number): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from <= now && to - now > margin;
}

/** Lower-cased, de-duplicated, IPv6 without brackets: the forms that SAN matching compares. */
function normaliseNames(input: string[]): string[] {
  const out = new Set<string>();
  for (const raw of input) {
    let name = raw.trim().toLowerCase();
    if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
    if (name.endsWith('.')) name = name.slice(0, -1); // clients compare without the root dot
    if (isIPv6(name)) name = ipv6WithoutDottedQuad(name);
    if (!isIP(name) && !/^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/.test(name)) {
      throw new TypeError(`'${raw}' is not a hostname or IP address that a TLS certificate can cover.`);
    }
    out.add(name);
  }
  return [...out];
}

/** The SAN encoder reads IPv6 as hex groups only; `::ffff:1.2.3.4` would otherwise be encoded wrongly. */
function ipv6WithoutDottedQuad(ip: string): string {
  const match = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!match) return ip;
  const [a, b, c, d] = match.slice(2).map(Number) as [number, number, number, number];
  return `${match[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** Positive 16-byte serial: the high bit cleared so DER does not read it as negative (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function exportPrivateKeyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ format: 'pem', type: 'pkcs8' }).toString();
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Readers (another process starting the server) see either the old file or the new one, never half of one. */
async function writeAtomic(file: string, contents: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    // 'wx' + mode: the key is never readable by others, not even between create and chmod.
    await writeFile(temp, contents, { mode, flag: 'wx', flush: true });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
