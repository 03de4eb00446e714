/**
 * Reads a client certificate the way an administrator supplies it (a .cer from the Windows
 * certificate export wizard, a PEM from openssl, or the base64 text pasted into a form) and
 * derives the identifiers that JWT client assertions refer to it by (x5t, x5t#S256).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';

export interface ParsedCertificate {
  der: Buffer;
  pem: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Uppercase hex, as Windows and .NET show it. */
  thumbprintSha1: string;
  /** Uppercase hex. */
  thumbprintSha256: string;
  /** base64url of the SHA-1 of the DER: the `x5t` JOSE header. */
  x5t: string;
  /** base64url of the SHA-256 of the DER: the `x5t#S256` JOSE header. */
  x5tS256: string;
  publicKey: KeyObject;
  keyAlgorithm: 'RSA' | 'EC' | 'Ed25519' | string;
  /** Key Usage extension present and includes digitalSignature. */
  hasDigitalSignature: boolean;
}

export type CertificateRejectionReason =
  | 'unreadable'
  | 'expired'
  | 'not_yet_valid'
  | 'no_digital_signature'
  | 'no_public_key'
  | 'too_large'
  | 'bad_signature';

export class CertificateRejected extends Error {
  readonly reason: CertificateRejectionReason;

  constructor(reason: CertificateRejectionReason, message: string) {
    super(message);
    this.name = 'CertificateRejected';
    this.reason = reason;
  }
}

/** Real certificates are 1-3 KiB; the cap keeps hostile uploads from costing parse time. */
const MAX_INPUT_BYTES = 64 * 1024;

const PEM_CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

/** Synchronous so it can run inside request validation without awaiting. */
export function parseCertificate(input: Buffer | string): ParsedCertificate {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > MAX_INPUT_BYTES) {
    throw new CertificateRejected(
      'too_large',
      `The certificate is ${size} bytes; at most ${MAX_INPUT_BYTES} bytes are accepted. Upload only the public certificate (.cer or .pem).`,
    );
  }

  const encoded = extractDer(input);

  let node: X509Certificate;
  let peculiar: x509.X509Certificate;
  let fields: Pick<ParsedCertificate, 'subject' | 'issuer' | 'notBefore' | 'notAfter' | 'hasDigitalSignature'>;
  try {
    node = new X509Certificate(encoded);
    // Node's X509Certificate cannot read Key Usage; @peculiar/x509 can, and is also synchronous.
    peculiar = new x509.X509Certificate(encoded);
    const keyUsage = peculiar.getExtension(x509.KeyUsagesExtension);
    fields = {
      subject: peculiar.subject,
      issuer: peculiar.issuer,
      notBefore: peculiar.notBefore,
      notAfter: peculiar.notAfter,
      hasDigitalSignature: keyUsage !== null && (keyUsage.usages & x509.KeyUsageFlags.digitalSignature) !== 0,
    };
  } catch {
    throw unreadable(describeNonCertificate(encoded) ?? 'The data is not a readable X.509 certificate.');
  }

  let publicKey: KeyObject;
  try {
    publicKey = node.publicKey;
  } catch {
    throw new CertificateRejected(
      'no_public_key',
      "The certificate's public key could not be read; use an RSA, EC (P-256/P-384/P-521) or Ed25519 key.",
    );
  }

  // A self-issued certificate carries its own proof of integrity: altered bytes break it.
  if (isSelfIssued(node, peculiar) && !verifiesWith(node, publicKey)) {
    throw new CertificateRejected('bad_signature', "The certificate's self-signature does not verify: its bytes were altered or it is corrupt. Export it again from the original.");
  }

  // OpenSSL's re-encoding, so thumbprints match `openssl x509 -fingerprint` even if the input had trailing bytes.
  const der = Buffer.from(node.raw);
  const sha1 = createHash('sha1').update(der).digest();
  const sha256 = createHash('sha256').update(der).digest();

  return {
    der,
    pem: toPem(der),
    ...fields,
    serialNumber: node.serialNumber.toUpperCase(),
    thumbprintSha1: sha1.toString('hex').toUpperCase(),
    thumbprintSha256: sha256.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
    publicKey,
    keyAlgorithm: keyAlgorithmName(publicKey),
  };
}

/**
 * Rules AvePoint states for app certificates. Kept apart from parsing so a stored certificate can be
 * shown (and its expiry reported) even after it stops being usable.
 */
export function assertUsableForClientAuth(cert: ParsedCertificate, now: Date): void {
  if (now.getTime() < cert.notBefore.getTime()) {
    throw new CertificateRejected(
      'not_yet_valid',
      `The certificate is not valid until ${cert.notBefore.toISOString()} (current time ${now.toISOString()}).`,
    );
  }
  // notAfter is inclusive in X.509 (RFC 5280 §4.1.2.5).
  if (now.getTime() > cert.notAfter.getTime()) {
    throw new CertificateRejected(
      'expired',
      `The certificate expired on ${cert.notAfter.toISOString()} (current time ${now.toISOString()}).`,
    );
  }
  if (!cert.hasDigitalSignature) {
    throw new CertificateRejected(
      'no_digital_signature',
      "The certificate's Key Usage extension must include Digital Signature",
    );
  }
}

function extractDer(input: Buffer | string): Buffer {
  if (typeof input !== 'string') {
    if (looksLikeDer(input)) return trimToFirstElement(input);
    input = decodeText(input);
  }
  const text = input.replace(/^\uFEFF/, '');
  if (text.includes('-----BEGIN ')) return trimToFirstElement(firstPemCertificate(text));

  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) throw unreadable('The certificate is empty.');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw unreadable(
      'The data is neither a DER certificate (.cer), PEM text (-----BEGIN CERTIFICATE-----) nor base64-encoded DER.',
    );
  }
  const der = Buffer.from(compact, 'base64');
  if (!looksLikeDer(der)) throw unreadable('The base64 text does not decode to an X.509 certificate.');
  return trimToFirstElement(der);
}

/** A certificate is a SEQUENCE longer than 127 bytes, so its DER starts 0x30 0x81..0x84; no text file does. */
function looksLikeDer(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x30 && bytes[1]! >= 0x81 && bytes[1]! <= 0x84;
}

/** Windows PowerShell 5 writes UTF-16 by default, and certificates get saved through it. */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return bytes.toString('utf8');
}

/** Linear scan (no backtracking regex over attacker text); the first CERTIFICATE block wins. */
function firstPemCertificate(text: string): Buffer {
  const seen: string[] = [];
  let position = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN ', position);
    if (begin === -1) break;
    const labelStart = begin + '-----BEGIN '.length;
    const labelEnd = text.indexOf('-----', labelStart);
    if (labelEnd === -1) break;
    const label = text.slice(labelStart, labelEnd);
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, labelEnd + 5);
    if (end === -1) throw unreadable(`The PEM block "${label.slice(0, 40)}" has no matching END line.`);
    if (PEM_CERTIFICATE_LABELS.has(label)) {
      const body = text.slice(labelEnd + 5, end).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw unreadable('The PEM CERTIFICATE block is not valid base64.');
      return Buffer.from(body, 'base64');
    }
    seen.push(label);
    position = end + endMarker.length;
  }
  if (seen.some((label) => label.includes('PRIVATE KEY'))) {
    throw unreadable(
      'The PEM text contains a private key but no CERTIFICATE block. Upload only the public certificate; never share the private key.',
    );
  }
  const found = seen.length > 0 ? ` (found: ${seen.map((l) => l.slice(0, 40)).join(', ')})` : '';
  throw unreadable(`The PEM text contains no CERTIFICATE block${found}.`);
}

/**
 * Keeps exactly the outer SEQUENCE: tools append newlines or NULs to .cer files, and a truncated
 * download should be reported as such rather than as OpenSSL's "no start line".
 */
function trimToFirstElement(der: Buffer): Buffer {
  if (!looksLikeDer(der)) throw unreadable('The data is not a DER-encoded X.509 certificate.');
  const lengthBytes = der[1]! & 0x7f;
  if (der.length < 2 + lengthBytes) throw unreadable('The certificate data is truncated.');
  let length = 0;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + der[2 + i]!;
  const total = 2 + lengthBytes + length;
  if (total > der.length) throw unreadable('The certificate data is truncated.');
  return der.subarray(0, total);
}

/** The two containers people upload by mistake when asked for a .cer. */
function describeNonCertificate(der: Buffer): string | undefined {
  const header = 2 + (der[1]! & 0x7f);
  // PFX: SEQUENCE { INTEGER 3, ContentInfo ... }
  if (der[header] === 0x02 && der[header + 1] === 0x01 && der[header + 2] === 0x03) {
    return 'This is a PKCS#12 (.pfx/.p12) file, which contains the private key. Upload only the public certificate (.cer or .pem).';
  }
  // PKCS#7 signedData OID 1.2.840.113549.1.7.2 right after the outer header.
  const signedData = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
  if (der.subarray(header, header + signedData.length).equals(signedData)) {
    return 'This is a PKCS#7 (.p7b) bundle. Export the single certificate as DER (.cer) or PEM instead.';
  }
  return undefined;
}

/**
 * Signed by its own key: the issuer is the subject, or the authority key identifier names the
 * certificate's own key (which still holds when an altered byte falls in a name). A certificate
 * issued by a CA is accepted on the administrator's word, as Entra ID does: its issuer's key is not
 * known here.
 */
function isSelfIssued(node: X509Certificate, peculiar: x509.X509Certificate): boolean {
  if (node.subject === node.issuer) return true;
  const authority = peculiar.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  const subject = peculiar.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  return authority !== undefined && authority === subject;
}

function verifiesWith(node: X509Certificate, key: KeyObject): boolean {
  try {
    return node.verify(key);
  } catch {
    return false;
  }
}

function keyAlgorithmName(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RSA';
    case 'rsa-pss':
      return 'RSA-PSS';
    case 'ec':
      return 'EC';
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function unreadable(message: string): CertificateRejected {
  return new CertificateRejected('unreadable', message);
}
