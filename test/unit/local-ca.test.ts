import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalTls } from '../../src/platform/tls/local-ca.js';

const DAY = 24 * 60 * 60 * 1000;
const dirs: string[] = [];

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'meridian-local-ca-'));
  dirs.push(dir);
  return path.join(dir, 'tls'); // not created yet: ensureLocalTls must create it
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function withHttpsServer<T>(tls: { certPem: string; keyPem: string }, use: (port: number) => Promise<T>): Promise<T> {
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('meridian'));
  // No host: listens on :: (dual stack), so localhost, 127.0.0.1 and ::1 all reach it.
  await new Promise<void>((resolve) => server.listen(0, resolve));
  try {
    return await use((server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function get(url: string, options: https.RequestOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent: false, ...options }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('ensureLocalTls', () => {
  it('creates a CA and a server certificate with the required properties', async () => {
    const dir = freshDir();
    const tls = await ensureLocalTls(dir);

    expect(tls.caCertPath).toBe(path.join(path.resolve(dir), 'ca.pem'));
    expect(readFileSync(tls.caCertPath, 'utf8')).toBe(tls.caPem);
    expect(readFileSync(path.join(dir, 'server.pem'), 'utf8')).toBe(tls.certPem);
    expect(readFileSync(path.join(dir, 'server-key.pem'), 'utf8')).toBe(tls.keyPem);
    expect(readdirSync(dir).sort()).toEqual(['ca-key.pem', 'ca.pem', 'server-key.pem', 'server.pem']); // no temp files left
    if (process.platform !== 'win32') {
      expect(statSync(path.join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dir, 'server-key.pem')).mode & 0o777).toBe(0o600);
    }

    const ca = new X509Certificate(tls.caPem);
    expect(ca.subject).toBe('CN=Meridian Local CA');
    expect(ca.ca).toBe(true);
    expect(ca.checkIssued(ca)).toBe(true);
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(9.9 * 365 * DAY);
    const caText = openssl(['x509', '-in', tls.caCertPath, '-noout', '-text']);
    expect(caText).toMatch(/CA:TRUE/);
    expect(caText).toMatch(/Certificate Sign/);

    const leaf = new X509Certificate(tls.certPem);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(tls.keyPem))).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // Node names the EKU list "keyUsage"
    expect(Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)).toBeLessThanOrEqual(825 * DAY);
    const leafText = openssl(['x509', '-in', path.join(dir, 'server.pem'), '-noout', '-text']);
    expect(leafText).toMatch(/Digital Signature, Key Encipherment/);
    expect(leafText).toMatch(/TLS Web Server Authentication/);
    expect(leafText).toMatch(/DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);

    const verify = openssl(['verify', '-purpose', 'sslserver', '-CAfile', tls.caCertPath, path.join(dir, 'server.pem')]);
    expect(verify.trim()).toMatch(/: OK$/);
  }, 30_000);

  it('serves HTTPS that clients trusting the CA accept on localhost, 127.0.0.1 and ::1, and others refuse', async () => {
    const tls = await ensureLocalTls(freshDir());
    const stranger = await ensureLocalTls(freshDir());

    await withHttpsServer(tls, async (port) => {
      await expect(get(`https://localhost:${port}/`, { ca: tls.caPem })).resolves.toBe('meridian');
      await expect(get(`https://127.0.0.1:${port}/`, { ca: tls.caPem })).resolves.toBe('meridian');
      await expect(get(`https://[::1]:${port}/`, { ca: tls.caPem })).resolves.toBe('meridian');

      await expect(get(`https://localhost:${port}/`)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
      await expect(get(`https://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
      // Trusting some other Meridian install's CA is not enough.
      await expect(get(`https://localhost:${port}/`, { ca: stranger.caPem })).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
      // Trusted chain, but a name the certificate does not cover.
      await expect(
        get(`https://127.0.0.1:${port}/`, { ca: tls.caPem, servername: 'not-covered.test' }),
      ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });
  }, 30_000);

  it('reuses everything on a second call without rewriting files', async () => {
    const dir = freshDir();
    const first = await ensureLocalTls(dir);
    const mtimes = readdirSync(dir).map((f) => statSync(path.join(dir, f)).mtimeMs);

    const second = await ensureLocalTls(dir);
    expect(second).toEqual(first);
    expect(readdirSync(dir).map((f) => statSync(path.join(dir, f)).mtimeMs)).toEqual(mtimes);
  }, 30_000);

  it('issues a new server certificate for new hostnames under the same CA', async () => {
    const dir = freshDir();
    const first = await ensureLocalTls(dir);
    const wider = await ensureLocalTls(dir, ['meridian.test', '[fd00::1]', '10.1.2.3']);

    expect(wider.caPem).toBe(first.caPem);
    expect(wider.certPem).not.toBe(first.certPem);
    const leaf = new X509Certificate(wider.certPem);
    expect(leaf.checkHost('meridian.test')).toBe('meridian.test');
    expect(leaf.checkIP('fd00::1')).toBe('fd00::1');
    expect(leaf.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(leaf.checkHost('localhost')).toBe('localhost'); // the defaults are always kept

    await withHttpsServer(wider, async (port) => {
      await expect(
        get(`https://127.0.0.1:${port}/`, { ca: first.caPem, servername: 'meridian.test' }),
      ).resolves.toBe('meridian');
    });

    // The wider certificate already covers the default names, so it is kept.
    expect((await ensureLocalTls(dir)).certPem).toBe(wider.certPem);
  }, 30_000);

  it('renews a server certificate with a day or less left, keeping the CA', async () => {
    const dir = freshDir();
    const first = await ensureLocalTls(dir);
    const issue = (days: string) => {
      const csr = path.join(dir, 'req.csr');
      openssl([
        'req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
        '-keyout', path.join(dir, 'server-key.pem'), '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1', '-out', csr,
      ]);
      openssl([
        'x509', '-req', '-in', csr, '-CA', first.caCertPath, '-CAkey', path.join(dir, 'ca-key.pem'),
        '-set_serial', '4660', '-days', days, '-copy_extensions', 'copy', '-out', path.join(dir, 'server.pem'),
      ]);
      unlinkSync(csr);
      return readFileSync(path.join(dir, 'server.pem'), 'utf8');
    };

    // Control: a healthy certificate from the same CA is accepted as is.
    const healthy = issue('30');
    expect((await ensureLocalTls(dir)).certPem).toBe(healthy);

    const expiring = issue('1');
    const renewed = await ensureLocalTls(dir);
    expect(renewed.certPem).not.toBe(expiring);
    expect(renewed.caPem).toBe(first.caPem);
    expect(Date.parse(new X509Certificate(renewed.certPem).validTo) - Date.now()).toBeGreaterThan(800 * DAY);
  }, 30_000);

  it('replaces a server certificate whose key no longer matches, keeping the CA', async () => {
    const dir = freshDir();
    const first = await ensureLocalTls(dir);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(path.join(dir, 'server-key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));

    const repaired = await ensureLocalTls(dir);
    expect(repaired.caPem).toBe(first.caPem);
    expect(repaired.certPem).not.toBe(first.certPem);
    expect(new X509Certificate(repaired.certPem).checkPrivateKey(createPrivateKey(repaired.keyPem))).toBe(true);
  }, 30_000);

  it('creates a new CA when the old one cannot sign any more', async () => {
    const dir = freshDir();
    const first = await ensureLocalTls(dir);
    unlinkSync(path.join(dir, 'ca-key.pem'));
    writeFileSync(path.join(dir, 'server.pem'), 'garbage');

    const second = await ensureLocalTls(dir);
    expect(second.caPem).not.toBe(first.caPem);
    expect(new X509Certificate(second.certPem).checkIssued(new X509Certificate(second.caPem))).toBe(true);
    expect(readFileSync(path.join(dir, 'ca-key.pem'), 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
  }, 30_000);

  it('serialises concurrent first calls so all callers get the same CA', async () => {
    const dir = freshDir();
    const results = await Promise.all([ensureLocalTls(dir), ensureLocalTls(dir), ensureLocalTls(dir)]);
    expect(new Set(results.map((r) => r.caPem)).size).toBe(1);
    expect(new Set(results.map((r) => r.certPem)).size).toBe(1);
    expect(readFileSync(path.join(dir, 'server.pem'), 'utf8')).toBe(results[0]!.certPem);
  }, 30_000);

  it('refuses names a certificate cannot carry', async () => {
    await expect(ensureLocalTls(freshDir(), ['bad host/name'])).rejects.toThrow(TypeError);
    await expect(ensureLocalTls(freshDir(), [''])).rejects.toThrow(TypeError);
  });
});
