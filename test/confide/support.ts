import type { Harness } from '../support/harness.js';

export const PERMISSION = 'confide.graph.readwrite.all';
export const IMPORT = '/admin/shareSetting/import-users';
export const UPDATE = '/admin/shareSetting/update-users';

/** Polls a task's status until it has ended (Completed or Failed). */
export async function waitForTask(harness: Harness, url: string, token: string, timeoutMs = 30_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await harness.get(url, token);
    if (result.status !== 200) throw new Error(`GET ${url}: ${result.status} ${result.text}`);
    if (result.body.data.status === 'Completed' || result.body.data.status === 'Failed') return result.body.data;
    if (Date.now() > until) throw new Error(`task did not end: ${result.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every privileged user of the tenant as the producer read shows them, by lower-cased email. */
export async function privilegedUsers(harness: Harness, region: string, producer: string): Promise<Map<string, any>> {
  const users = new Map<string, any>();
  let url: string | null = `${region}/producer/confide/privileged-users?top=1000`;
  while (url) {
    const page = await harness.get(url, producer);
    if (page.status !== 200) throw new Error(`GET ${url}: ${page.status} ${page.text}`);
    for (const user of page.body.value) users.set(user.email.toLowerCase(), user);
    url = page.body.nextLink;
  }
  return users;
}
