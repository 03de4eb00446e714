import { resolve } from 'node:path';
import type { Command } from 'commander';
import { LocalCluster } from '../cluster/cluster.js';

/**
 * `meridian cluster`: the local recipe of docs/deployment.md — 2 identity nodes, 2 nodes of
 * us, 1 of we and 1 global node as separate processes on one PostgreSQL and one Redis, each
 * part behind its own load balancer port. Runs until SIGINT/SIGTERM.
 */
export function registerClusterCommand(program: Command): void {
  program
    .command('cluster')
    .description('Run the local multi-node recipe (separate processes on one PostgreSQL and one Redis; see docs/deployment.md)')
    .option('--database-url <url>', 'PostgreSQL', process.env.MERIDIAN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    .option('--redis-url <url>', 'Redis', process.env.MERIDIAN_REDIS_URL ?? 'redis://127.0.0.1:6379')
    .option('--dir <dir>', 'data directories, certificate and node logs', './data/cluster')
    .option('--schema-prefix <prefix>', 'PostgreSQL schema prefix (kept between runs when given)')
    .option('--json', 'print the URLs, nodes and admin key as JSON once the cluster is up')
    .action(async (options: { databaseUrl: string; redisUrl: string; dir: string; schemaPrefix?: string; json?: boolean }) => {
      const cluster = await LocalCluster.start({ dir: resolve(options.dir), databaseUrl: options.databaseUrl, redisUrl: options.redisUrl, ...(options.schemaPrefix ? { schemaPrefix: options.schemaPrefix } : {}) });
      const lines = [
        '',
        'Meridian cluster is running (public URLs are the load balancers):',
        '',
        `  Identity:        ${cluster.urls.identity}/connect/token`,
        ...Object.entries(cluster.urls.regions).map(([code, url]) => `  Region ${code.padEnd(9)}${url}`),
        `  Global endpoint: ${cluster.urls.global ?? '(none)'}`,
        '',
        '  Nodes:',
        ...cluster.nodes.map((node) => `    ${node.name.padEnd(11)} ${node.url}  pid ${node.pid}  log ${node.logFile}`),
        '',
        `  Admin key:       ${cluster.adminKey}`,
        `  CA certificate:  ${resolve(options.dir, 'tls', 'ca.pem')}`,
        `  Schema prefix:   ${cluster.schemaPrefix}`,
        '',
      ];
      const described = { urls: cluster.urls, nodes: cluster.nodes.map((node) => ({ name: node.name, url: node.url, pid: node.pid, logFile: node.logFile })), adminKey: cluster.adminKey, caCertificate: resolve(options.dir, 'tls', 'ca.pem'), schemaPrefix: cluster.schemaPrefix };
      process.stdout.write(options.json ? `${JSON.stringify(described, null, 2)}\n` : `${lines.join('\n')}\n`);
      const stop = async () => {
        await cluster.stop({ dropSchemas: !options.schemaPrefix });
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
