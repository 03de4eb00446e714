import { configFromEnvironment } from '../runtime/config.js';
import { Meridian } from '../runtime/meridian.js';
import { ensureDemoTenant } from '../runtime/demo.js';

/** `meridian start`: runs until SIGINT/SIGTERM, then closes every listener and database. */
export async function startCommand(options: { json?: boolean } = {}): Promise<void> {
  // Taken first: read after the summary, npm may already be gone (killed as soon as it printed).
  const launcher = npmLauncher();
  const config = configFromEnvironment();
  const meridian = await Meridian.start(config);
  const demo = config.demo ? await ensureDemoTenant(meridian) : undefined;
  const endpointsFile = meridian.writeEndpointsFile();
  const endpoints = meridian.endpoints();
  const lines = [
    '',
    'Meridian is running.',
    '',
    `  Identity (token endpoint):  ${endpoints.identity ? `${endpoints.identity}/connect/token` : '(not hosted)'}`,
    ...Object.entries(endpoints.identities).filter(([env]) => env !== 'commercial').map(([env, url]) => `  Identity (${env}):${' '.repeat(Math.max(1, 17 - env.length))}${url}/connect/token`),
    `  Global endpoint:            ${endpoints.global ?? '(not hosted)'}`,
    '  Regions:',
    ...Object.entries(endpoints.regions).map(([code, url]) => `    ${code.padEnd(9)} ${url}`),
    '',
    `  API reference:              ${endpoints.regions.us ?? Object.values(endpoints.regions)[0]}/docs  (OpenAPI: /openapi.json)`,
    `  CA certificate:             ${endpoints.caCertificate ?? '(plain HTTP)'}`,
    `  Endpoints file:             ${endpointsFile}`,
    ...(Object.entries(endpoints.node).some(([name, url]) => url !== publicUrlOf(endpoints, name)) ? ['  This node listens at:', ...Object.entries(endpoints.node).map(([name, url]) => `    ${name.padEnd(20)} ${url}`)] : []),
  ];
  if (demo) {
    lines.push('', `  Demo tenant:   ${demo.tenantName} (${demo.tenantId}), home region us`, `  Client id:     ${demo.clientId}`);
    lines.push(demo.clientSecret ? `  Client secret: ${demo.clientSecret}  (shown once: store it now)` : '  Client secret: shown on the first start only; add one with `npx meridian secret add --client-id <id>`');
    if (demo.seeded) lines.push(`  Demo history:  ${Object.entries(demo.seeded).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  }
  // Stopping is armed before the summary says it is up: a script may stop it the moment it reads that.
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    meridian.logger.info({ reason }, 'stopping: finishing requests in flight');
    // Requests in flight get a few seconds; whatever still holds the process after that is cut.
    setTimeout(() => {
      process.stderr.write('meridian: listeners did not close in time; exiting\n');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    await meridian.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  if (launcher !== undefined) watchLauncher(launcher, () => void stop('launcher exited'));
  lines.push('');
  // The last line of the summary (or the JSON) says it is up: scripts and tests wait for it.
  if (options.json) process.stdout.write(`${JSON.stringify({ status: 'Meridian is running', endpoints, endpointsFile, demo: demo ?? null })}\n`);
  else process.stdout.write(`${lines.join('\n')}\n`);
}

const STOP_DEADLINE_MS = 8000;
/** How often the launcher is looked for: a poll is one getppid call, and the ports should go soon after npm does. */
const LAUNCHER_POLL_MS = 200;

/**
 * `npm start & kill $!` signals npm, which passes the signal to its shell but not past it:
 * Meridian would serve on, orphaned. Started by npm, Meridian stops when npm's shell is gone
 * (it is then re-parented). Started directly (`node bin/meridian.mjs start`, a service
 * manager) it leaves that to its signals.
 */
function npmLauncher(): number | undefined {
  return process.env.npm_lifecycle_event ? process.ppid : undefined;
}

function watchLauncher(launcher: number, onGone: () => void): void {
  const check = () => {
    if (process.ppid === launcher) return false;
    clearInterval(timer);
    onGone();
    return true;
  };
  const timer = setInterval(check, LAUNCHER_POLL_MS);
  timer.unref();
  check();
}

/** The public URL of one of this node's listeners, to tell whether it sits behind another address. */
function publicUrlOf(endpoints: ReturnType<Meridian['endpoints']>, listener: string): string | null | undefined {
  if (listener === 'global') return endpoints.global;
  if (listener.startsWith('identity-')) return endpoints.identities[listener.slice('identity-'.length) as keyof typeof endpoints.identities];
  return endpoints.regions[listener.slice('region-'.length)];
}
