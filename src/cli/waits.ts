import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { GraphApiError } from '../sdk/errors.js';
import { OPERATIONS } from '../sdk/generated/operations.js';
import { exportReport, ExportFailedError, type ExportOperationId } from '../sdk/insights-exports.js';
import { RestoreFailedError, waitForRestore, type RestoreService, type RestoreStatus } from '../sdk/restore-waits.js';
import { WaitTimeoutError } from '../sdk/wait-timeout.js';
import { CliError } from './admin-client.js';
import { appOptions, graphClientFor, withTokenErrors, type AppOptions } from './app-client.js';
import { waitProgress } from './progress.js';

/** A wait that timed out exits as timeout(1) does; a failed job or a refusal exits 1. */
export const TIMEOUT_EXIT_CODE = 124;

interface WaitOptions extends AppOptions {
  timeout: number;
  poll: number;
  json?: boolean;
}

const EXPORTS = Object.keys(OPERATIONS).filter((id): id is ExportOperationId => id.startsWith('export') && OPERATIONS[id as ExportOperationId].tags.includes('Insights')).sort();

const seconds = (flag: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new CliError(`${flag} takes a number of seconds above 0, not '${value}'.`);
  return number;
};

const print = (json: boolean | undefined, value: unknown, text: () => string) => {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
};

/** The options every wait has: how long, how often, and --json. */
function waitOptions(command: Command): Command {
  return command
    .addOption(new Option('--timeout <seconds>', 'give up waiting after this long (exit 124; the job goes on)').default(1800).argParser(seconds('--timeout')))
    .addOption(new Option('--poll <seconds>', 'between two status reads').default(1).argParser(seconds('--poll')))
    .option('--json', 'print the outcome as JSON (and no progress)');
}

/** The SDK's refusals and outcomes as the CLI's: a message, and the exit code that tells them apart. */
async function asCliErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await withTokenErrors(work);
  } catch (error) {
    if (error instanceof WaitTimeoutError) throw new CliError(error.message, TIMEOUT_EXIT_CODE);
    if (error instanceof RestoreFailedError || error instanceof ExportFailedError) throw new CliError(error.message);
    if (error instanceof GraphApiError) {
      const body = error.body as { message?: unknown; error?: { message?: unknown } } | undefined;
      const said = typeof body?.message === 'string' && body.message ? body.message : typeof body?.error?.message === 'string' ? body.error.message : error.message;
      throw new CliError(`HTTP ${error.status}: ${said}${error.requestId ? ` (request-id ${error.requestId})` : ''}`);
    }
    throw error;
  }
}

/** `meridian restore wait` and `meridian insights export`: long async work, followed to its end. */
export function registerWaitCommands(program: Command): void {
  const restore = program.command('restore').description('Restore jobs of Cloud Backup for Microsoft 365 and AvePoint Opus, as the app that started them');
  waitOptions(
    appOptions(
      restore
        .command('wait')
        .description('Wait for a restore job to end, with its progress: exit 0 when it finished, 1 when it failed (or ended with exceptions), 124 on --timeout. The app needs microsoft365backup.jobInfo.read.all (m365) or records.readwrite.all (opus)')
        .argument('<jobId>', 'the jobId the restore request answered'),
      { baseUrl: true },
    ),
  )
    .addOption(new Option('--service <service>', 'the service the restore runs in').choices(['m365', 'opus']).makeOptionMandatory())
    .option('--location <geo>', 'm365: the Multi-Geo location the restore was started in (e.g. EUR)')
    .action(async (jobId: string, options: WaitOptions & { service: RestoreService; location?: string }) => {
      const operation = options.service === 'opus' ? OPERATIONS.getRestoreJobStatusAndProgress : OPERATIONS.retrieveJobDetails;
      const client = await graphClientFor(options, [operation.permission].flat()[0]!);
      const progress = waitProgress(`restore ${jobId}`, { quiet: Boolean(options.json) });
      let last: RestoreStatus | undefined;
      try {
        const status = await asCliErrors(() =>
          waitForRestore(client, options.service, jobId, {
            timeoutMs: options.timeout * 1000,
            pollMs: options.poll * 1000,
            ...(options.location ? { location: options.location } : {}),
            onProgress: (status) => {
              last = status;
              progress.update(status.percent, 100, status.state);
            },
          }),
        );
        progress.stop();
        print(options.json, status, () => `Restore ${status.jobId} finished at ${status.finishTime ?? 'an unknown time'}.`);
      } catch (error) {
        progress.stop();
        // A script reading --json learns how the job ended, whatever the exit code says.
        if (options.json && last) print(true, last, () => '');
        throw error;
      }
    });

  const insights = program.command('insights').description('Insights reports');
  waitOptions(
    appOptions(
      insights
        .command('export')
        .description('Start an Insights export; with --wait, wait for it and download the ZIP (start → wait → download): exit 1 when the job failed, 124 on --timeout')
        .argument('<report>', `the export operation, one of: ${EXPORTS.join(', ')}`),
      { baseUrl: true },
    ),
  )
    .option('--param <name=value>', "a parameter of the report, e.g. email=megan@contoso.com or dataSources='SharePoint Online' (repeatable; a name given twice is a list)", (value: string, previous: string[] = []) => [...previous, value])
    .option('--wait', 'wait for the export and download its file (to --out)')
    .option('--out <file>', 'where --wait saves the ZIP (default: insights-<jobId>.zip)')
    .action(async (report: string, options: WaitOptions & { param?: string[]; wait?: boolean; out?: string }) => {
      if (!EXPORTS.includes(report as ExportOperationId)) throw new CliError(`Unknown report '${report}': one of ${EXPORTS.join(', ')}.`);
      const operationId = report as ExportOperationId;
      const request = parseParams(options.param ?? []);
      const client = await graphClientFor(options, [OPERATIONS[operationId].permission].flat()[0]!);
      if (!options.wait) {
        const started = await asCliErrors(() => (client[operationId] as (request: object) => Promise<{ jobId: string; status: number; message: string }>).call(client, request));
        print(options.json, started, () => `Started export job ${started.jobId}. Follow it with --wait, or GET /insights/job/${started.jobId}/exportstatus.`);
        return;
      }
      const progress = waitProgress('export', { quiet: Boolean(options.json) });
      try {
        const { jobId, file } = await asCliErrors(() =>
          exportReport(client, operationId, request as never, {
            timeoutMs: options.timeout * 1000,
            pollMs: options.poll * 1000,
            onProgress: (step) => {
              if (step.phase === 'started') progress.update(0, 1, `job ${step.jobId} started`);
              else if (step.phase === 'running') progress.update(0, 1, `job ${step.jobId} running`);
              else if (step.phase === 'downloading') progress.update(step.receivedBytes, step.totalBytes ?? step.receivedBytes, `downloading ${kilobytes(step.receivedBytes)}`);
            },
          }),
        );
        progress.stop();
        const out = resolve(options.out ?? `insights-${jobId}.zip`);
        writeFileSync(out, file);
        print(options.json, { jobId, file: out, bytes: file.length }, () => `Export ${jobId}: ${kilobytes(file.length)} saved to ${out}`);
      } catch (error) {
        progress.stop();
        throw error;
      }
    });
}

/** name=value pairs as a request: a name given twice becomes a list (sent comma-separated). */
function parseParams(pairs: string[]): Record<string, string | string[]> {
  const request: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`--param takes name=value, not '${pair}'.`);
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1);
    const previous = request[name];
    request[name] = previous === undefined ? value : [previous, value].flat();
  }
  return request;
}

const kilobytes = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
