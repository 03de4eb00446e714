import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { createHttpClient } from '../platform/http-client.js';
import type { Endpoints } from '../runtime/meridian.js';
import { CertificateCredential, ClientSecretCredential } from '../sdk/credentials.js';
import { AuthenticationError } from '../sdk/errors.js';
import { CliError } from './admin-client.js';

interface TokenOptions {
  clientId: string;
  secret?: string;
  certificate?: string;
  key?: string;
  scope?: string;
  environment: string;
  identityUrl?: string;
  json?: boolean;
}

/**
 * `meridian token`: an access token for an app, as any client gets one (client secret or a
 * certificate-signed assertion), printed bare so `TOKEN=$(npx meridian token …)` works. It
 * needs no admin key: only the identity URL, from endpoints.json or --identity-url.
 */
export function registerTokenCommands(program: Command): void {
  program
    .command('token')
    .description('Print an access token for an app (client secret, or certificate + private key), e.g. TOKEN=$(npx meridian token --client-id ID --secret S)')
    .requiredOption('--client-id <id>', 'application (client) id')
    .option('--secret <secret>', 'client secret (or MERIDIAN_CLIENT_SECRET)')
    .option('--certificate <file>', 'the uploaded certificate (.cer DER or PEM), with --key')
    .option('--key <file>', 'PEM private key of --certificate')
    .option('--scope <permissions>', 'space-separated permissions (default: every permission of the app)')
    .addOption(new Option('--environment <env>', 'identity environment').choices(['commercial', 'gov', 'aos2', 'fedramp']).default('commercial'))
    .option('--identity-url <url>', 'identity host (default: from <data dir>/endpoints.json)')
    .option('--json', 'print the whole token response as JSON')
    .action(async (options: TokenOptions) => {
      const { identityUrl, caPem } = identityOf(options);
      const common = { identityUrl, clientId: options.clientId, fetch: createHttpClient(caPem) };
      const secret = options.secret ?? process.env.MERIDIAN_CLIENT_SECRET;
      let credential;
      if (options.certificate || options.key) {
        if (!options.certificate || !options.key) throw new CliError('A certificate needs both --certificate FILE and --key FILE.');
        credential = new CertificateCredential({ ...common, certificate: readFileSync(options.certificate), privateKey: readFileSync(options.key, 'utf8') });
      } else if (secret) {
        credential = new ClientSecretCredential({ ...common, clientSecret: secret });
      } else {
        throw new CliError('Give a credential: --secret SECRET (or MERIDIAN_CLIENT_SECRET), or --certificate FILE --key FILE.');
      }
      try {
        const token = await credential.getToken(options.scope ?? '');
        const expiresIn = Math.round((token.expiresOnMs - Date.now()) / 1000);
        process.stdout.write(options.json ? `${JSON.stringify({ access_token: token.token, token_type: 'Bearer', expires_in: expiresIn, identity: identityUrl }, null, 2)}\n` : `${token.token}\n`);
      } catch (error) {
        if (error instanceof AuthenticationError) throw new CliError(`${error.error ?? 'refused'}: ${error.errorDescription}`);
        throw error;
      }
    });
}

function identityOf(options: TokenOptions): { identityUrl: string; caPem: string | null } {
  const dir = resolve(process.env.MERIDIAN_DATA_DIR ?? './data');
  const file = join(dir, 'endpoints.json');
  const endpoints = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Endpoints) : undefined;
  const caFile = process.env.MERIDIAN_CA_CERT ?? endpoints?.caCertificate ?? null;
  const caPem = caFile && existsSync(caFile) ? readFileSync(caFile, 'utf8') : null;
  const identityUrl = options.identityUrl ?? endpoints?.identities[options.environment as 'commercial'];
  if (!identityUrl) throw new CliError(`No identity URL: no ${options.environment} identity in ${file}. Start Meridian, or give --identity-url.`);
  return { identityUrl, caPem };
}
