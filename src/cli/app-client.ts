import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { decodeJwt } from 'jose';
import { createHttpClient } from '../platform/http-client.js';
import type { Endpoints } from '../runtime/meridian.js';
import { CertificateCredential, ClientSecretCredential, type TokenCredential } from '../sdk/credentials.js';
import { AuthenticationError } from '../sdk/errors.js';
import { GraphClient } from '../sdk/graph-client.js';
import { CliError } from './admin-client.js';

/** The options of a command that acts as an app (token, waits): its credential and where to find Meridian. */
export interface AppOptions {
  clientId: string;
  secret?: string;
  certificate?: string;
  key?: string;
  environment: string;
  identityUrl?: string;
  baseUrl?: string;
}

/** Adds the app's credential options to a command; `baseUrl` too for commands that call a region. */
export function appOptions(command: Command, options: { baseUrl?: boolean } = {}): Command {
  command
    .requiredOption('--client-id <id>', 'application (client) id')
    .option('--secret <secret>', 'client secret (or MERIDIAN_CLIENT_SECRET)')
    .option('--certificate <file>', 'the uploaded certificate (.cer DER or PEM), with --key')
    .option('--key <file>', 'PEM private key of --certificate')
    .addOption(new Option('--environment <env>', 'identity environment').choices(['commercial', 'gov', 'aos2', 'fedramp']).default('commercial'))
    .option('--identity-url <url>', 'identity host (default: from <data dir>/endpoints.json)');
  if (options.baseUrl) command.option('--base-url <url>', "the tenant's region (default: its home region from <data dir>/endpoints.json)");
  return command;
}

interface Located {
  identityUrl: string;
  caPem: string | null;
  endpoints: Endpoints | undefined;
}

function locate(options: AppOptions): Located {
  const dir = resolve(process.env.MERIDIAN_DATA_DIR ?? './data');
  const file = join(dir, 'endpoints.json');
  const endpoints = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Endpoints) : undefined;
  const caFile = process.env.MERIDIAN_CA_CERT ?? endpoints?.caCertificate ?? null;
  const caPem = caFile && existsSync(caFile) ? readFileSync(caFile, 'utf8') : null;
  const identityUrl = options.identityUrl ?? endpoints?.identities[options.environment as 'commercial'];
  if (!identityUrl) throw new CliError(`No identity URL: no ${options.environment} identity in ${file}. Start Meridian, or give --identity-url.`);
  return { identityUrl, caPem, endpoints };
}

/** The app's credential (a client secret, or a certificate and its key), as any client holds it. */
export function appCredential(options: AppOptions): Located & { credential: TokenCredential } {
  const located = locate(options);
  const common = { identityUrl: located.identityUrl, clientId: options.clientId, fetch: createHttpClient(located.caPem) };
  const secret = options.secret ?? process.env.MERIDIAN_CLIENT_SECRET;
  if (options.certificate || options.key) {
    if (!options.certificate || !options.key) throw new CliError('A certificate needs both --certificate FILE and --key FILE.');
    return { ...located, credential: new CertificateCredential({ ...common, certificate: readFileSync(options.certificate), privateKey: readFileSync(options.key, 'utf8') }) };
  }
  if (secret) return { ...located, credential: new ClientSecretCredential({ ...common, clientSecret: secret }) };
  throw new CliError('Give a credential: --secret SECRET (or MERIDIAN_CLIENT_SECRET), or --certificate FILE --key FILE.');
}

/** A refused credential as the CLI says it: the OAuth error and its description. */
export async function withTokenErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuthenticationError) throw new CliError(`${error.error ?? 'refused'}: ${error.errorDescription}`);
    throw error;
  }
}

/**
 * A GraphClient of the app for `scope`, on the tenant's home region: the one its token names
 * (tenant_region), looked up in endpoints.json, unless --base-url says where.
 */
export async function graphClientFor(options: AppOptions, scope: string): Promise<GraphClient> {
  const { credential, caPem, endpoints } = appCredential(options);
  let baseUrl = options.baseUrl;
  if (!baseUrl) {
    const token = await withTokenErrors(() => credential.getToken(scope));
    const region = String(decodeJwt(token.token).tenant_region ?? '');
    baseUrl = endpoints?.regions[region];
    if (!baseUrl) throw new CliError(`The app's home region ${region || '(unknown)'} is not in endpoints.json: give --base-url.`);
  }
  return new GraphClient({ baseUrl, credential, scope, ...(caPem ? { caPem } : {}) });
}
