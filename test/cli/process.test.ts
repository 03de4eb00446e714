import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTls } from 'node:tls';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../src/runtime/meridian.js';

const ROOT = join(import.meta.dirname, '../..');

interface Started {
  child: ChildProcess;
  dataDir: string;
  endpoints: Endpoints;
  exited: Promise<number | null>;
}

/** A real `meridian start` (through npm or node), up once it prints that it is running. */
async function start(command: 'npm' | 'node', options: { killOnReady?: boolean } = {}): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-process-'));
  const args = command === 'npm' ? ['start', '--silent'] : ['bin/meridian.mjs', 'start'];
  const child = spawn(command === 'npm' ? 'npm' : process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, MERIDIAN_DATA_DIR: dataDir, MERIDIAN_BASE_PORT: '0', MERIDIAN_DEMO: '0', MERIDIAN_REGIONS: 'us,we', MERIDIAN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Meridian is running')) return;
      // As a script does that stops it the moment it reads the summary: npm may be gone before Meridian reads its parent.
      if (options.killOnReady) child.kill('SIGTERM');
      resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`meridian exited (${code}) before it was up:\n${output}`)));
  });
  // The summary is printed once the endpoints file is written.
  const endpoints = JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8')) as Endpoints;
  return { child, dataDir, endpoints, exited };
}

const ports = (endpoints: Endpoints) => [...Object.values(endpoints.identities), endpoints.global, ...Object.values(endpoints.regions)].filter((url): url is string => Boolean(url)).map((url) => Number(new URL(url).port));

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** The ports that still accept after `ms`, polled so that the answer comes as soon as none do. */
async function stillAccepting(ports: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let open = ports;
  while (open.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    open = (await Promise.all(ports.map(async (port) => ((await accepts(port)) ? port : undefined)))).filter((port): port is number => port !== undefined);
  }
  return open;
}

const within = <T>(ms: number, promise: Promise<T>) => Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

describe('meridian start as a real process', () => {
  let started: Started | undefined;
  afterEach(() => {
    if (started && started.child.exitCode === null) started.child.kill('SIGKILL');
    if (started) rmSync(started.dataDir, { recursive: true, force: true });
    started = undefined;
  });

  it('`npm start & kill $!` stops every listener within 10 s', async () => {
    started = await start('npm');
    const listening = ports(started.endpoints);
    expect(listening.length).toBeGreaterThanOrEqual(4);
    for (const port of listening) expect(await accepts(port)).toBe(true);
    started.child.kill('SIGTERM'); // npm itself, as `kill $!` does
    expect(await stillAccepting(listening, 10_000), 'ports still accepting 10 s after npm was killed').toEqual([]);
  });

  it('npm killed the moment Meridian says it is running still stops every listener', async () => {
    started = await start('npm', { killOnReady: true });
    const listening = ports(started.endpoints);
    expect(listening.length).toBeGreaterThanOrEqual(4);
    expect(await stillAccepting(listening, 10_000), 'ports still accepting 10 s after npm was killed').toEqual([]);
  });

  it('SIGTERM and SIGINT finish the request in flight, then exit 0', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      started = await start('node');
      const identity = new URL(started.endpoints.identity!);
      const ca = readFileSync(started.endpoints.caCertificate!, 'utf8');
      const body = 'grant_type=client_credentials&client_id=nobody&client_secret=wrong&scope=audit.read.all';
      const socket = connectTls({ host: '127.0.0.1', port: Number(identity.port), servername: 'localhost', ca });
      await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      // Headers and half the body: the request is in flight when the signal comes.
      socket.write(`POST /connect/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 20)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      started.child.kill(signal);
      await new Promise((resolve) => setTimeout(resolve, 500));
      socket.write(body.slice(20));
      await within(10_000, closed);
      expect(answer, `${signal}: the request in flight is answered`).toMatch(/^HTTP\/1\.1 (400|401) /);
      expect(answer).toContain('invalid_client');
      expect(await within(10_000, started.exited), `${signal}: exit code`).toBe(0);
      rmSync(started.dataDir, { recursive: true, force: true });
      started = undefined;
    }
  }, 180_000); // two real starts, each compiling the sources through tsx: slow on a loaded machine
});
