import type { Command } from 'commander';
import { appCredential, appOptions, withTokenErrors, type AppOptions } from './app-client.js';

/**
 * `meridian token`: an access token for an app, as any client gets one (client secret or a
 * certificate-signed assertion), printed bare so `TOKEN=$(npx meridian token …)` works. It
 * needs no admin key: only the identity URL, from endpoints.json or --identity-url.
 */
export function registerTokenCommands(program: Command): void {
  appOptions(
    program
      .command('token')
      .description('Print an access token for an app (client secret, or certificate + private key), e.g. TOKEN=$(npx meridian token --client-id ID --secret S)'),
  )
    .option('--scope <permissions>', 'space-separated permissions (default: every permission of the app)')
    .option('--json', 'print the whole token response as JSON')
    .action(async (options: AppOptions & { scope?: string; json?: boolean }) => {
      const { credential, identityUrl } = appCredential(options);
      const token = await withTokenErrors(() => credential.getToken(options.scope ?? ''));
      const expiresIn = Math.round((token.expiresOnMs - Date.now()) / 1000);
      process.stdout.write(options.json ? `${JSON.stringify({ access_token: token.token, token_type: 'Bearer', expires_in: expiresIn, identity: identityUrl }, null, 2)}\n` : `${token.token}\n`);
    });
}
