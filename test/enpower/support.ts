import type { ProducerClient } from '../../src/platform/product-module.js';
import type { Harness } from '../support/harness.js';

/** The seeder's producer calls, sent over HTTPS to the region as the simulator sends them. */
export function producerClient(harness: Harness, token: string, region = 'us'): ProducerClient {
  return {
    async post(path, body) {
      const result = await harness.send('POST', `${harness.regionUrl(region)}${path}`, token, body);
      if (result.status !== 200) throw new Error(`POST ${path}: ${result.status} ${result.text.slice(0, 400)}`);
      return result.body;
    },
  };
}

/** Every documented GET, with the path ids filled in by `ids`. */
export function documentedPaths(ids: { appId: string; flowId: string; desktopFlowId: string; botId: string; powerPageId: string }): string[] {
  return [
    '/smp/powerplatform/environments',
    '/smp/powerplatform/connections',
    '/smp/powerplatform/powerapps',
    `/smp/powerplatform/powerapps/${ids.appId}/activities`,
    `/smp/powerplatform/powerapps/${ids.appId}/launches`,
    `/smp/powerplatform/powerapps/${ids.appId}/launched-users`,
    '/smp/powerplatform/powerautomate/cloudflows',
    `/smp/powerplatform/powerautomate/cloudflows/${ids.flowId}/runs`,
    `/smp/powerplatform/powerautomate/cloudflows/${ids.flowId}/activities`,
    '/smp/powerplatform/connectionusage/cloudflows',
    '/smp/powerplatform/powerautomate/desktopflows',
    `/smp/powerplatform/powerautomate/desktopflows/${ids.desktopFlowId}/runs`,
    '/smp/powerplatform/powerbi/workspaces',
    '/smp/powerplatform/powerbi/artifacts',
    '/smp/powerplatform/powerbi/datasourcecountbydatasourcetype',
    '/smp/powerplatform/powerbi/datasourcedetails',
    '/smp/powerplatform/powerbi/semanticemodeldetails',
    '/smp/powerplatform/powerbi/semanticmodelcountbydatasourcetype',
    '/smp/powerplatform/powerbi/powerbiactiveusers',
    '/smp/powerplatform/bot',
    `/smp/powerplatform/bot/${ids.botId}/activities`,
    '/smp/powerplatform/powerpages',
    `/smp/powerplatform/powerpages/${ids.powerPageId}/activities`,
    '/smp/exchange/resourcemailboxes',
    '/smp/exchange/mailboxes',
    '/smp/lifecycle/microsoft365/groups',
    '/smp/lifecycle/microsoft365/viva-groups',
    '/smp/lifecycle/microsoft365/sites',
    '/smp/lifecycle/microsoft365/teams',
  ];
}

import { docPage, responseSample } from '../support/doc-samples.js';

/**
 * A page's response sample. Five EnPower samples miss commas between fields (connections,
 * agents, artifacts, semantic models, active users): those are read with the commas put back,
 * and nothing else changed.
 */
export function enPowerSample(page: string): any {
  const path = `main/services-and-features/enpower/${page}`;
  try {
    return responseSample(path);
  } catch {
    const text = docPage(path).split(/^## Response Sample/m)[1]!;
    const block = text.match(/```json\n([\s\S]*?)(```|$)/)![1]!;
    const lines = block.split('\n').map((line) => line.replace(/\s*\/\/.*$/, '').trimEnd());
    const repaired = lines.map((line, index) => {
      const next = lines.slice(index + 1).find((candidate) => candidate.trim() !== '')?.trim() ?? '';
      return /["\d\]}el]$/.test(line) && next.startsWith('"') ? `${line},` : line;
    });
    return JSON.parse(repaired.join('\n').replace(/,(\s*[}\]])/g, '$1'));
  }
}
