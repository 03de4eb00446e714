import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpClient } from '../../src/platform/http-client.js';
import type { Endpoints } from '../../src/runtime/meridian.js';
import { dropPostgresSchemas } from '../support/harness.js';
import { POSTGRES_URL, type TestEngine } from '../support/services.js';

const BIN = join(import.meta.dirname, '../../bin/meridian.mjs');

export interface Answer {
  status: number;
  body: any;
  text: string;
}

/**
 * `meridian start` as a child process on one engine, for tests that kill it with SIGKILL:
 * no shutdown hook, no flush, gone the instant the signal lands. Its data (a directory, or a
 * PostgreSQL schema set) outlives the process and is removed by `dispose`.
 */
export class MeridianProcess {
  private child: ChildProcess | undefined;
  endpoints!: Endpoints;
  fetch!: typeof fetch;
  private output = '';
  readonly dataDir: string;
  /** The PostgreSQL schemas' prefix (`<prefix>_region_us` …), for tests that look at storage while it runs. */
  readonly schemaPrefix: string | undefined;

  constructor(
    readonly engine: TestEngine,
    private readonly env: Record<string, string> = {},
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'meridian-kill-'));
    this.schemaPrefix = engine === 'postgres' ? `k${randomBytes(5).toString('hex')}` : undefined;
  }

  async start(): Promise<void> {
    const file = join(this.dataDir, 'endpoints.json');
    rmSync(file, { force: true });
    this.output = '';
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: {
        ...process.env,
        MERIDIAN_DATA_DIR: this.dataDir,
        MERIDIAN_BASE_PORT: '0',
        MERIDIAN_REGIONS: 'us',
        MERIDIAN_DEMO: '0',
        MERIDIAN_GLOBAL: '0',
        MERIDIAN_LOG_LEVEL: 'warn',
        MERIDIAN_ADMIN_KEY: '',
        ...(this.schemaPrefix ? { MERIDIAN_DATABASE_URL: POSTGRES_URL, MERIDIAN_PG_SCHEMA_PREFIX: this.schemaPrefix } : {}),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child = child;
    const until = Date.now() + 60_000;
    while (!existsSync(file) || !/Meridian is running/.test(this.output)) {
      if (child.exitCode !== null) throw new Error(`Meridian exited with ${child.exitCode}: ${this.output}`);
      if (Date.now() > until) throw new Error(`Meridian did not start: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    this.fetch = createHttpClient(readFileSync(this.endpoints.caCertificate!, 'utf8'));
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** The running child's process id (for its RSS). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get region(): string {
    return this.endpoints.regions.us!;
  }

  get identity(): string {
    return this.endpoints.identity!;
  }

  adminKey(): string {
    return readFileSync(join(this.dataDir, 'admin-key'), 'utf8').trim();
  }

  async call(method: string, url: string, token: string | undefined, body?: unknown, contentType = 'application/json'): Promise<Answer> {
    const response = await this.fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  }

  /** POST /connect/token with any form. */
  async token(form: Record<string, string>): Promise<Answer> {
    return this.call('POST', `${this.identity}/connect/token`, undefined, new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded');
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.schemaPrefix) await dropPostgresSchemas(this.schemaPrefix);
  }
}
