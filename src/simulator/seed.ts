import type { ProducerClient, SeedRequest } from '../platform/product-module.js';
import { PRODUCT_MODULES } from '../runtime/modules.js';

/**
 * Drives every module's part of the simulator for one tenant through the producer API of
 * its home region, over HTTP like any product service.
 */
export function httpProducerClient(fetchImpl: typeof fetch, regionUrl: string, token: () => Promise<string>): ProducerClient {
  return {
    async post(path, body) {
      for (let attempt = 1; ; attempt++) {
        const response = await fetchImpl(`${regionUrl}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (response.ok) return text ? (JSON.parse(text) as unknown) : undefined;
        // A busy region answers 429/503; the batch is idempotent, so sending it again is safe.
        if ((response.status === 429 || response.status >= 500) && attempt < 5) {
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          continue;
        }
        throw new Error(`POST ${path} failed: HTTP ${response.status} ${text.slice(0, 500)}`);
      }
    },
  };
}

/** Runs every module's seeder (or only the modules named in `only`) for one tenant. */
export async function seedTenant(producer: ProducerClient, request: SeedRequest, only?: readonly string[]): Promise<Record<string, number>> {
  const report: Record<string, number> = {};
  for (const module of PRODUCT_MODULES) {
    if (!module.seed || (only && !only.includes(module.name))) continue;
    Object.assign(report, await module.seed(producer, request));
  }
  return report;
}
