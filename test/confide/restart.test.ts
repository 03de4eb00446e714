import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskStore } from '../../src/confide/privileged-users/task-store.js';
import type { ConfideTables } from '../../src/confide/schema.js';
import { durableStorage, Harness } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { IMPORT, PERMISSION, privilegedUsers, waitForTask } from './support.js';

const USERS = 5000;

describe.each(ENGINES)('a Confide task across a restart on %s', (engine) => {
  const storage = durableStorage(engine);
  const config = storage.config;
  afterAll(() => storage.remove());

  it('resumes an import stopped part way when the region starts again: every user once, every invitation once', async () => {
    // Every tenth address is invalid, every third user is invited.
    const body = Array.from({ length: USERS }, (_, i) => ({ email: i % 10 === 9 ? `broken-${i}` : `member-${i}@contoso.com`, canShareLink: i % 2 === 0, sendInvitationEmail: i % 3 === 0 }));
    const first = await Harness.start({ engine, regions: ['us'], config });
    let app;
    let taskUrl: string;
    let interrupted: any;
    try {
      app = await first.tenantWithApp([PERMISSION]);
      const token = await first.token(app);
      const started = await first.send('POST', `${first.regionUrl('us')}${IMPORT}`, token, body);
      expect(started.status, started.text).toBe(200);
      taskUrl = `${IMPORT}/${started.body.data.taskId}`;
      // Stop the region as soon as the task is under way.
      for (const until = Date.now() + 30_000; ; ) {
        interrupted = (await first.get(`${first.regionUrl('us')}${taskUrl}`, token)).body.data;
        if (interrupted.processedCount > 0 || Date.now() > until) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(interrupted.status).toBe('InProgress');
      expect(interrupted.processedCount).toBeGreaterThan(0);
      expect(interrupted.processedCount).toBeLessThan(USERS);
    } finally {
      await first.close();
    }

    const second = await Harness.start({ engine, regions: ['us'], config });
    try {
      const region = second.regionUrl('us');
      // The identity listens on a new port, so it is a new issuer: the app asks for a new token.
      const token = await second.token(app!);
      const done = await waitForTask(second, `${region}${taskUrl!}`, token, 60_000);
      expect(done).toMatchObject({ status: 'Completed', totalCount: USERS, processedCount: USERS, failedCount: USERS / 10, startTime: interrupted.startTime });
      expect(done.items).toHaveLength(USERS / 10);
      expect(done.items.every((item: any) => item.email.startsWith('broken-') && item.errorMessage === 'Invalid email format.')).toBe(true);
      const users = await privilegedUsers(second, region, await second.producerToken(app!.tenantId));
      expect(users.size).toBe(USERS - USERS / 10);
      for (const [i, user] of body.entries()) {
        if (i % 10 === 9) continue;
        const stored = users.get(user.email)!;
        expect(stored.canShareLink, user.email).toBe(user.canShareLink);
        expect(stored.invitations, user.email).toHaveLength(user.sendInvitationEmail ? 1 : 0);
      }
    } finally {
      await second.close();
    }
  }, 180_000);

  it('hands over tasks stored by a process that stopped before queueing them: a sound one completes, a broken one ends Failed and says why', async () => {
    const first = await Harness.start({ engine, regions: ['us'], config });
    let app;
    const sound = randomUUID();
    const broken = randomUUID();
    try {
      app = await first.tenantWithApp([PERMISSION]);
      // What a POST stores before it enqueues the job, written as a process that died right then would have left it.
      const db = first.meridian.regions.get('us')!.context.db as Kysely<ConfideTables>;
      const store = new TaskStore(db);
      const users = [{ email: 'kept@contoso.com', canShareLink: true }, { email: 'also@contoso.com', sendInvitationEmail: true }];
      for (const taskId of [sound, broken]) await store.create({ taskId, tenantId: app.tenantId, kind: 'import', requestedBy: app.clientId, idempotencyKey: undefined, requestHash: taskId, users, nowMs: Date.now() }, async () => undefined);
      // A stored item that cannot be read: every attempt fails on it.
      await db.updateTable('confide_task_items').set({ request_json: '{' }).where('task_id', '=', broken).where('position', '=', 1).execute();
    } finally {
      await first.close();
    }
    const second = await Harness.start({ engine, regions: ['us'], config });
    try {
      const token = await second.token(app!);
      const region = second.regionUrl('us');
      expect(await waitForTask(second, `${region}${IMPORT}/${sound}`, token)).toMatchObject({ status: 'Completed', processedCount: 2, failedCount: 0 });
      const failed = await waitForTask(second, `${region}${IMPORT}/${broken}`, token, 60_000);
      expect(failed).toMatchObject({ status: 'Failed', totalCount: 2, processedCount: 0, message: 'Import task failed: the stored user at position 1 of the task cannot be read.', finishTime: expect.stringMatching(/Z$/) });
    } finally {
      await second.close();
    }
  }, 180_000);
});
