import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import { PERMISSION as INSIGHTS, readReport, seedInsightsTenant } from '../insights/support.js';
import type { M365World } from '../../src/simulator/world.js';

const BIN = join(import.meta.dirname, '../../bin/meridian.mjs');
const PERMISSIONS = ['records.readwrite.all', 'microsoft365backup.restore.readwrite.all', 'microsoft365backup.jobInfo.read.all', INSIGHTS];

interface Run {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
}

// Each command is a Node process starting tsx: a few seconds each on a busy machine.
describe('meridian waits for long async work (restores, Insights exports) against a running instance', { timeout: 180_000 }, () => {
  let harness: Harness;
  let app: TestApp;
  let producer: string;
  let world: M365World;

  /** The real binary as a child process, its output read while it runs; `tty` runs it under script(1), a pseudo-terminal. */
  const start = (args: string[], options: { tty?: boolean } = {}): Run => {
    const env = { ...process.env, MERIDIAN_DATA_DIR: harness.dataDir, MERIDIAN_ADMIN_KEY: '', MERIDIAN_CLIENT_SECRET: app.clientSecret };
    const full = [BIN, ...args, '--client-id', app.clientId];
    const child = options.tty
      ? spawn('script', ['-qefc', [process.execPath, ...full].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' '), '/dev/null'], { env: { ...env, COLUMNS: '120' }, cwd: harness.dataDir })
      : spawn(process.execPath, full, { env, cwd: harness.dataDir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin?.end();
    const code = new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? -1)));
    return { code, stdout: () => stdout, stderr: () => stderr };
  };
  const region = () => harness.regionUrl('us');
  const opusJob = async (id: string, report: Record<string, unknown>) => {
    const answer = await harness.send('POST', `${region()}/producer/opus/restore-jobs${report.scope ? '' : `/${id}`}`, producer, report.scope ? { id, ...report } : report);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  };
  const registered = (id: string, status: number, progress: number) =>
    opusJob(id, { scopeType: 'SiteCollection', scope: `https://contoso.sharepoint.com/sites/${id}`, requestedBy: 'archive@contoso.com', status, progress });

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    harness.meridian.writeEndpointsFile();
    app = await harness.tenantWithApp(PERMISSIONS);
    producer = await harness.producerToken(app.tenantId);
    world = await seedInsightsTenant(harness, app.tenantId, { objects: 30, reviewerGroups: 1, activities: 30, googleObjects: 3 });
  });
  afterAll(() => harness?.close());

  it('follows an Opus restore to its end, a plain progress line per change without a terminal', async () => {
    await registered('opus-ok', 1, 40);
    const run = start(['restore', 'wait', 'opus-ok', '--service', 'opus', '--poll', '0.2']);
    await expect.poll(run.stderr, { timeout: 60_000 }).toContain('restore opus-ok: 40% In Progress');
    await opusJob('opus-ok', { status: 1, progress: 70 });
    await expect.poll(run.stderr, { timeout: 30_000 }).toContain('restore opus-ok: 70% In Progress');
    await opusJob('opus-ok', { status: 2, progress: 100 });
    expect(await run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toContain('restore opus-ok: 100% Finished');
    // One line per change, not per poll.
    expect(run.stderr().split('\n').filter((line) => line.includes('40% In Progress'))).toHaveLength(1);
    expect(run.stdout()).toMatch(/Restore opus-ok finished at \d{4}-/);
  });

  it('exits 1 with the reason when the restore fails, the outcome still on stdout with --json', async () => {
    await registered('opus-bad', 1, 10);
    const run = start(['restore', 'wait', 'opus-bad', '--service', 'opus', '--poll', '0.2', '--json']);
    await opusJob('opus-bad', { status: 3, message: 'The archive storage is unreachable.' });
    expect(await run.code).toBe(1);
    expect(run.stderr()).toMatch(/opus-bad ended Failed: The archive storage is unreachable\./);
    expect(JSON.parse(run.stdout())).toMatchObject({ service: 'opus', jobId: 'opus-bad', state: 'Failed', done: true, succeeded: false });
    // --json prints no progress.
    expect(run.stderr()).not.toContain('%');
  });

  it('gives up after --timeout with exit 124, and refuses an unknown job with 1', async () => {
    await registered('opus-slow', 0, 0);
    const slow = start(['restore', 'wait', 'opus-slow', '--service', 'opus', '--poll', '0.2', '--timeout', '1']);
    const unknown = start(['restore', 'wait', 'no-such-job', '--service', 'opus']);
    expect(await slow.code).toBe(124);
    expect(slow.stderr()).toMatch(/opus-slow had not ended after 1 s/);
    expect(await unknown.code).toBe(1);
    expect(unknown.stderr()).toMatch(/HTTP 404: There is no restore job 'no-such-job'/);
  });

  it('follows a Microsoft 365 restore from its job details to Finished', async () => {
    const objects = await harness.send('POST', `${region()}/producer/backup/m365/protected-objects`, producer, {
      value: [{ serviceType: 1, siteUrl: 'https://contoso.sharepoint.com/sites/Finance', libraries: ['Documents'], firstBackupTime: '2025-06-01T00:00:00Z' }],
    });
    expect(objects.status).toBe(200);
    const token = await harness.token(app, 'microsoft365backup.restore.readwrite.all');
    const restore = await harness.send('POST', `${region()}/backup/m365/restore/jobs`, token, {
      serviceType: 1,
      recoveryDateTime: new Date().toISOString(),
      siteRestoreScope: { siteUrl: 'https://contoso.sharepoint.com/sites/Finance', restoreTargets: [{ libraryName: 'Documents', files: [{ relativePath: 'Shared/Budget.xlsx' }] }] },
    });
    expect(restore.status, JSON.stringify(restore.body)).toBe(200);
    const jobId = restore.body.data.jobId as string;
    const run = start(['restore', 'wait', jobId, '--service', 'm365', '--poll', '0.2', '--json']);
    expect(await run.code, run.stderr()).toBe(0);
    expect(JSON.parse(run.stdout())).toMatchObject({ service: 'm365', jobId, state: 'Finished', succeeded: true, percent: 100, finishTime: expect.any(String) });
  });

  it('starts an Insights export, and with --wait waits for it and downloads the ZIP', async () => {
    const user = world.users[0]!;
    const started = start(['insights', 'export', 'exportUserPermissions', '--param', `email=${user.mail}`, '--param', 'dataSources=SharePoint Online', '--json']);
    expect(await started.code, started.stderr()).toBe(0);
    expect(JSON.parse(started.stdout())).toMatchObject({ jobId: expect.stringMatching(/^\d+$/) });

    const waited = start(['insights', 'export', 'exportUserPermissions', '--param', `email=${user.mail}`, '--param', 'dataSources=SharePoint Online', '--wait', '--out', 'report.zip', '--poll', '0.2']);
    expect(await waited.code, waited.stderr()).toBe(0);
    const file = join(harness.dataDir, 'report.zip');
    expect(existsSync(file)).toBe(true);
    const report = await readReport(readFileSync(file));
    expect(report.sheets.get('User Access')!.rows.length).toBeGreaterThan(0);
    expect(waited.stdout()).toContain(`saved to ${file}`);
    expect(waited.stderr()).toMatch(/^export: .*downloading/m);
  });

  it('draws a progress bar on a terminal', async () => {
    const user = world.users[1]!;
    const run = start(['insights', 'export', 'exportUserPermissions', '--param', `email=${user.mail}`, '--param', 'dataSources=SharePoint Online', '--wait', '--out', 'tty.zip', '--poll', '0.2'], { tty: true });
    expect(await run.code, run.stdout()).toBe(0);
    // script(1) merges the terminal's output: the bar's blocks and its final 100 %.
    expect(run.stdout()).toMatch(/export \|[\u2588\u2591]+\| 100%/);
    expect(existsSync(join(harness.dataDir, 'tty.zip'))).toBe(true);
  });

  it('refuses an unknown report and a malformed parameter with exit 1', async () => {
    const unknown = start(['insights', 'export', 'exportEverything']);
    const malformed = start(['insights', 'export', 'exportUserPermissions', '--param', 'email']);
    expect(await unknown.code).toBe(1);
    expect(unknown.stderr()).toMatch(/Unknown report 'exportEverything'.*exportUserPermissions/);
    expect(await malformed.code).toBe(1);
    expect(malformed.stderr()).toMatch(/--param takes name=value, not 'email'/);
  });
});
