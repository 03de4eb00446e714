import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVALID_EMAIL, unknownUser } from '../../src/confide/privileged-users/task-runner.js';
import { ENGINES } from '../support/services.js';
import { MeridianProcess } from '../security/meridian-process.js';
import { IMPORT, PERMISSION, UPDATE } from './support.js';

/**
 * kill -9 of a real Meridian process while Confide import and update tasks run and queue,
 * then a start on the same storage, twice. Every task acknowledged (its POST answered 200)
 * must end Completed or Failed with a reason, in time; a completed task's users are each
 * applied once, its invitations recorded once, and it finishes once (one audit record).
 */
const CYCLES = 2;
const IMPORT_SIZE = 2500;
const BASE_USERS = 1200;
const UPDATE_SLICE = 100;
const GHOSTS_PER_UPDATE = 7;
const TASK_DEADLINE_MS = 180_000;
const TASKS_PER_LIFE = 4;

interface Acknowledged {
  kind: 'import' | 'update';
  taskId: string;
  body: Array<{ email: string; canShareLink?: boolean; canConfigureScan?: boolean; sendInvitationEmail?: boolean }>;
  cycle: number;
}

const importBody = (n: number) =>
  Array.from({ length: IMPORT_SIZE }, (_, i) => ({
    // Every tenth address is invalid, every third user is invited.
    email: i % 10 === 9 ? `broken-${n}-${i}` : `t${n}-u${i}@contoso.com`,
    canShareLink: i % 2 === 0,
    sendInvitationEmail: i % 3 === 0,
  }));
/** Update n turns on canConfigureScan for its own slice of the base users, and names users the share center does not have. */
const updateBody = (n: number) => [
  ...Array.from({ length: UPDATE_SLICE }, (_, i) => ({ email: `base-${(n * UPDATE_SLICE + i) % BASE_USERS}@contoso.com`, canConfigureScan: true, sendInvitationEmail: i % 4 === 0 })),
  ...Array.from({ length: GHOSTS_PER_UPDATE }, (_, i) => ({ email: `ghost-${n}-${i}@contoso.com`, canConfigureScan: true })),
];

describe.each(ENGINES)('Confide tasks across kill -9 on %s', (engine) => {
  let server: MeridianProcess;
  let tenantId: string;
  let app: { clientId: string; clientSecret: string };
  // The identity listens on a new port after each start, so tokens are minted again.
  let session: { app?: Promise<string>; producer?: Promise<string> } = {};
  const appToken = () =>
    (session.app ??= server.token({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).then((answer) => {
      expect(answer.status, answer.text).toBe(200);
      return answer.body.access_token as string;
    }));
  const producerToken = () => (session.producer ??= server.call('POST', `${server.identity}/admin/tenants/${tenantId}/producer-token`, server.adminKey()).then((answer) => answer.body.access_token as string));
  const pathOf = (task: Acknowledged) => `${server.region}${task.kind === 'import' ? IMPORT : UPDATE}/${task.taskId}`;

  beforeAll(async () => {
    server = new MeridianProcess(engine);
    await server.start();
    const admin = server.adminKey();
    const tenant = await server.call('POST', `${server.identity}/admin/tenants`, admin, { name: 'Confide kill', region: 'us' });
    expect(tenant.status, tenant.text).toBe(201);
    tenantId = tenant.body.id;
    const created = await server.call('POST', `${server.identity}/admin/tenants/${tenantId}/apps`, admin, { name: 'share admin', permissions: [PERMISSION, 'audit.read.all'], secretYears: 1 });
    expect(created.status, created.text).toBe(201);
    app = { clientId: created.body.clientId, clientSecret: created.body.clientSecret };
    // The users the updates change, there before any task (the producer writes them at once).
    for (let start = 0; start < BASE_USERS; start += 1000) {
      const value = Array.from({ length: Math.min(1000, BASE_USERS - start) }, (_, i) => ({ email: `base-${start + i}@contoso.com`, canShareLink: true }));
      const seeded = await server.call('POST', `${server.region}/producer/confide/privileged-users`, await producerToken(), { value });
      expect(seeded.status, seeded.text).toBe(200);
    }
  }, 180_000);
  afterAll(() => server?.dispose());

  async function statusOf(task: Acknowledged): Promise<any> {
    const answer = await server.call('GET', pathOf(task), await appToken());
    expect(answer.status, `${task.kind} ${task.taskId}: ${answer.text}`).toBe(200);
    return answer.body.data;
  }

  async function everyPage(url: string | null, token: string, list: (body: any) => any[]): Promise<any[]> {
    const all: any[] = [];
    while (url) {
      const page = await server.call('GET', url, token);
      expect(page.status, page.text).toBe(200);
      all.push(...list(page.body));
      url = page.body.nextLink;
    }
    return all;
  }

  it(`ends every acknowledged task once, Completed or Failed with a reason, across ${CYCLES} kills mid-task`, async () => {
    const acknowledged: Acknowledged[] = [];
    const interrupted: Array<{ task: Acknowledged; processedCount: number }> = [];
    let imports = 0;
    let updates = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const token = await appToken();
      let killed = false;
      // A few tasks per life, so a backlog is queued behind the running ones without growing without end.
      const submit = async (kind: 'import' | 'update') => {
        for (let sent = 0; !killed && sent < TASKS_PER_LIFE; sent++) {
          const n = kind === 'import' ? imports++ : updates++;
          const body = kind === 'import' ? importBody(n) : updateBody(n);
          const answer = await server.call('POST', `${server.region}${kind === 'import' ? IMPORT : UPDATE}`, token, body).catch(() => undefined);
          if (answer?.status === 200) acknowledged.push({ kind, taskId: answer.body.data.taskId, body, cycle });
          else if (!killed) throw new Error(`${kind} was refused: ${answer?.status} ${answer?.text}`);
        }
      };
      const writers = [submit('import'), submit('update')];
      // Kill once an import of this life is part way through and another task is queued behind it.
      // Tasks seen ended are not asked again, and the polls are paced: a client asking as fast as
      // it can would meet the listener's rate limit (429), as a real one would.
      let caught: { task: Acknowledged; processedCount: number } | undefined;
      const over = new Set<string>();
      for (const until = Date.now() + 60_000; !caught; ) {
        if (Date.now() > until) throw new Error('no task was seen part way through with another queued');
        const mine = acknowledged.filter((task) => task.cycle === cycle);
        let midway: { task: Acknowledged; processedCount: number } | undefined;
        let queued = false;
        for (const task of mine.length >= 4 ? mine.filter((task) => !over.has(task.taskId)) : []) {
          const status = await statusOf(task);
          if (task.kind === 'import' && status.status === 'InProgress' && status.processedCount > 0 && status.processedCount < status.totalCount) midway = { task, processedCount: status.processedCount };
          if (status.status === 'NotStarted') queued = true;
          if (status.status === 'Completed' || status.status === 'Failed') over.add(task.taskId);
        }
        if (midway && queued) caught = midway;
        else await new Promise((resolve) => setTimeout(resolve, 40));
      }
      // From here a request may fail with the process: the writers stop without counting it.
      killed = true;
      await server.kill();
      await Promise.all(writers);
      interrupted.push(caught);
      session = {};
      await server.start();
      // What the task had committed before the kill is still there.
      expect((await statusOf(caught.task)).processedCount).toBeGreaterThanOrEqual(caught.processedCount);
    }
    expect(acknowledged.filter((task) => task.kind === 'update').length).toBeGreaterThan(0);

    // None hangs: each ends by the deadline; none is lost: each is still known.
    const ended = new Map<string, any>();
    for (const until = Date.now() + TASK_DEADLINE_MS; ended.size < acknowledged.length; ) {
      for (const task of acknowledged) {
        if (ended.has(task.taskId)) continue;
        const status = await statusOf(task);
        if (status.status === 'Completed' || status.status === 'Failed') ended.set(task.taskId, status);
      }
      if (ended.size < acknowledged.length) {
        if (Date.now() > until) throw new Error(`${acknowledged.length - ended.size} of ${acknowledged.length} tasks had not ended ${TASK_DEADLINE_MS} ms after the last start`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }

    for (const task of acknowledged) {
      const status = ended.get(task.taskId);
      const label = `${task.kind} ${task.taskId} (cycle ${task.cycle})`;
      if (status.status === 'Failed') {
        expect(status.message, label).toMatch(/task failed: \S/);
        expect(status.message, label).not.toMatch(/unknown error/);
        continue;
      }
      const failures = task.body.filter((user) => (task.kind === 'import' ? user.email.startsWith('broken-') : user.email.startsWith('ghost-')));
      expect(status, label).toMatchObject({ totalCount: task.body.length, processedCount: task.body.length, failedCount: failures.length, finishTime: expect.stringMatching(/Z$/) });
      expect(status.items, label).toEqual(failures.map((user) => ({ email: user.email, success: false, status: 'Failed', errorMessage: task.kind === 'import' ? INVALID_EMAIL : unknownUser(user.email) })));
    }
    // The tasks cut off by a kill went on from where they were, to the end.
    for (const { task, processedCount } of interrupted) {
      expect(ended.get(task.taskId), `${task.taskId}`).toMatchObject({ status: 'Completed', totalCount: IMPORT_SIZE, processedCount: IMPORT_SIZE });
      expect(processedCount).toBeGreaterThan(0);
    }

    // Each user applied once, each invitation recorded once, by the task that sent it.
    const users = new Map((await everyPage(`${server.region}/producer/confide/privileged-users?top=1000`, await producerToken(), (body) => body.value)).map((user) => [user.email.toLowerCase(), user]));
    const completed = acknowledged.filter((task) => ended.get(task.taskId).status === 'Completed');
    let invitationsExpected = 0;
    for (const task of completed) {
      for (const user of task.body) {
        if (user.email.startsWith('broken-') || user.email.startsWith('ghost-')) {
          expect(users.has(user.email), user.email).toBe(false);
          continue;
        }
        const stored = users.get(user.email)!;
        expect(stored, user.email).toBeDefined();
        if (task.kind === 'import') expect(stored.canShareLink, user.email).toBe(user.canShareLink);
        else expect(stored.canConfigureScan, user.email).toBe(true);
        const sent = stored.invitations.filter((invitation: any) => invitation.taskId === task.taskId);
        expect(sent, `${user.email} by ${task.taskId}`).toHaveLength(user.sendInvitationEmail ? 1 : 0);
        if (user.sendInvitationEmail) invitationsExpected++;
      }
    }
    expect(invitationsExpected).toBeGreaterThan(0);

    // Each completed task finished once: one "finished" audit record each, however many runs it took.
    const window = `startTime=${new Date(Date.now() - 3_600_000).toISOString()}&endTime=${new Date(Date.now() + 60_000).toISOString()}&productTypes=VDR`;
    let finished: any[] = [];
    for (const until = Date.now() + 30_000; ; ) {
      const records = await everyPage(`${server.region}/aos/audit?${window}`, await appToken(), (body) => body.data);
      finished = records.filter((record) => record.actionName.endsWith('privileged users finished'));
      if (finished.length >= completed.length || Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const finishes = new Map<string, number>();
    for (const record of finished) {
      const taskId = JSON.parse(record.actionParameters).taskId as string;
      finishes.set(taskId, (finishes.get(taskId) ?? 0) + 1);
    }
    for (const task of completed) expect(finishes.get(task.taskId), `finished records of ${task.taskId}`).toBe(1);
    console.log(`Confide kill -9 on ${engine}: ${acknowledged.length} tasks acknowledged over ${CYCLES} kills, ${completed.length} completed, ${acknowledged.length - completed.length} failed`);
  }, 600_000);
});
