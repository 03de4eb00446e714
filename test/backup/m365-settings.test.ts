import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { BACKUP_PERMISSIONS, BackupHarness, expectNamed, type BackupTenant } from './support.js';

const LICENSE = '/backup/m365/cloudbackuplicenseconsumption';
const UNUSUAL = '/backup/m365/cloudbackupunusualactivitydata';
const FREQUENCY = '/backup/m365/settings/backup/frequency';
const RETENTION = '/backup/m365/settings/retention-policy';

const POLICY = {
  enableDailyRetentionPolicy: false,
  enableCustomizedRetentionPolicy: true,
  retentionPeriod: '1 years',
  servicePolicies: [
    { serviceType: 0, containerPolicies: [], retentionPeriod: '2 years', unassignedObjectRetentionPeriod: '2 years' },
    {
      serviceType: 3,
      containerPolicies: [{ containerId: '5c8b139c-f380-4473-be2b-338d8cd938ce', containerName: 'Default Group Container', retentionPeriod: '3 years' }],
      retentionPeriod: '1 years',
      unassignedObjectRetentionPeriod: 'Unlimited',
    },
  ],
};

const detection = (id: string, serviceType: number, objectId: string, kind: string, detectedTime: string, location?: string) => ({
  id,
  serviceType,
  objectId,
  kind,
  detectedTime,
  tenantOwner: 'John Doe',
  ...(location ? { location } : {}),
});

describe.each(ENGINES)('Cloud Backup for Microsoft 365 subscription, unusual activities and settings on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    for (const body of [
      { purchasedUserSeats: 100, assignedUserSeats: 47, purchasedStorageSize: 0, protectedSize: 0 },
      { location: 'EUR', outOfPolicyTime: '2025-03-01T00:00:00Z', purchasedUserSeats: 20, assignedUserSeats: 25, purchasedStorageSize: 100, protectedSize: 140 },
    ]) {
      expect((await b.post('/producer/backup/m365/license-consumption', t.producer, body)).status).toBe(200);
    }
    await b.produce('/producer/backup/m365/unusual-activities', t.producer, [
      detection('u1', 1, 'https://contoso.sharepoint.com/sites/Finance', 'UnusualActivity', '2024-03-01T10:00:00Z'),
      detection('u2', 1, 'https://contoso.sharepoint.com/sites/Finance', 'PotentialRansomwareAttack', '2024-03-02T10:00:00Z'),
      detection('u3', 1, 'https://contoso.sharepoint.com/sites/HR', 'UnusualActivity', '2024-03-03T10:00:00Z'),
      detection('u4', 2, 'alexw@contoso.com', 'PotentialRansomwareAttack', '2024-03-04T10:00:00Z', 'EUR'),
      detection('u5', 1, 'https://contoso.sharepoint.com/sites/Legal', 'UnusualActivity', '2024-06-01T10:00:00Z'),
    ]);
    expect((await b.post('/producer/backup/m365/settings/backup-frequency', t.producer, { value: [{ serviceType: 0, frequency: 4, firstStartTime: '03:54:22' }, { serviceType: 1, frequency: 1, firstStartTime: '03:54:22' }] })).status).toBe(200);
    expect((await b.post('/producer/backup/m365/settings/backup-frequency', t.producer, { location: 'EUR', value: [{ serviceType: 2, frequency: 2, firstStartTime: '20:00' }] })).status).toBe(200);
    expect((await b.post('/producer/backup/m365/settings/retention-policy', t.producer, POLICY)).status).toBe(200);
    expect((await b.post('/producer/backup/m365/settings/retention-policy', t.producer, { ...POLICY, location: 'EUR', enableCustomizedRetentionPolicy: false, retentionPeriod: 'Unlimited' })).status).toBe(200);
  });
  afterAll(() => b?.close());

  it('sums subscription consumption over every location unless one is named', async () => {
    const all = await b.get(LICENSE, t.token);
    expect(all.status).toBe(200);
    expect(all.body.data).toEqual({ outOfPolicyTime: Date.parse('2025-03-01T00:00:00Z'), purchasedUserSeats: 120, assignedUserSeats: 72, purchasedStorageSize: 100, protectedSize: 140 });
    expect((await b.get(`${LICENSE}?location=PrimaryGeoLocation`, t.token)).body.data).toEqual({ outOfPolicyTime: 0, purchasedUserSeats: 100, assignedUserSeats: 47, purchasedStorageSize: 0, protectedSize: 0 });
    expect((await b.get(`${LICENSE}?Location=eur`, t.token)).body.data.purchasedUserSeats).toBe(20);
    expect((await b.get(`${LICENSE}?location=JPN`, t.token)).status).toBe(404);
    expectNamed(await b.get(`${LICENSE}?location=Atlantis`, t.token), 'location');
    expect((await b.get(LICENSE, (await b.tenant()).token)).status).toBe(404);
  });

  it('counts objects with unusual activities and potential ransomware per service type in the detected range', async () => {
    const result = await b.get(`${UNUSUAL}?StartTime=2024-03-01&FinishTime=2024-03-31`, t.token);
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({
      data: [
        { tenantOwner: 'John Doe', tenantId: t.tenantId, serviceType: 1, potentialRansomwareAttackCount: 1, unusualActivitiesCount: 2 },
        { tenantOwner: 'John Doe', tenantId: t.tenantId, serviceType: 2, potentialRansomwareAttackCount: 1, unusualActivitiesCount: 1 },
      ],
    });
    const central = await b.get(`${UNUSUAL}?startTime=2024-03-01&finishTime=2024-03-31&location=PrimaryGeoLocation`, t.token);
    expect(central.body.data.data.map((entry: any) => entry.serviceType)).toEqual([1]);
    const day = await b.get(`${UNUSUAL}?startTime=2024-03-02&finishTime=2024-03-02`, t.token);
    expect(day.body.data.data).toEqual([{ tenantOwner: 'John Doe', tenantId: t.tenantId, serviceType: 1, potentialRansomwareAttackCount: 1, unusualActivitiesCount: 1 }]);
    expect((await b.get(`${UNUSUAL}?startTime=2023-01-01&finishTime=2023-12-31`, t.token)).body.data).toEqual({ data: [] });
    // Idempotent on the producer's id.
    expect((await b.post('/producer/backup/m365/unusual-activities', t.producer, { value: [detection('u1', 1, 'x', 'UnusualActivity', '2024-03-01T10:00:00Z')] })).body).toEqual({ received: 1, applied: 0, ignored: 1 });
  });

  it.each([
    ['', 'startTime'],
    ['startTime=2024-03-01', 'finishTime'],
    ['startTime=March&finishTime=2024-03-31', 'startTime'],
    ['startTime=2024-03-31&finishTime=2024-03-01', 'finishTime'],
    ['startTime=2024-03-01&finishTime=2024-03-31&location=XX', 'location'],
  ])('refuses unusual activities with %s naming %s', async (query, name) => {
    expectNamed(await b.get(`${UNUSUAL}?${query}`, t.token), name);
  });

  it("gives each active service's backups per day and today's start times", async () => {
    const result = await b.get(FREQUENCY, t.token);
    expect(result.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(result.body.data).toEqual([
      { serviceType: 0, frequency: 4, backupStartTime: ['03:54:22', '09:54:22', '15:54:22', '21:54:22'].map((time) => `${today}T${time}Z`) },
      { serviceType: 1, frequency: 1, backupStartTime: [`${today}T03:54:22Z`] },
    ]);
    expect((await b.get(`${FREQUENCY}?location=EUR`, t.token)).body.data).toEqual([{ serviceType: 2, frequency: 2, backupStartTime: [`${today}T08:00:00Z`, `${today}T20:00:00Z`] }]);
    expect((await b.get(`${FREQUENCY}?location=JPN`, t.token)).body.data).toEqual([]);
    expectNamed(await b.get(`${FREQUENCY}?location=Moon`, t.token), 'location');
  });

  it('gives the retention policy of the central location, or the one named', async () => {
    const result = await b.get(RETENTION, t.token);
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual(POLICY);
    const eur = await b.get(`${RETENTION}?location=EUR`, t.token);
    expect(eur.body.data).toEqual({ enableDailyRetentionPolicy: false, enableCustomizedRetentionPolicy: false, retentionPeriod: 'Unlimited', servicePolicies: [] });
    const none = await b.get(`${RETENTION}?location=JPN`, t.token);
    expect(none.status).toBe(404);
    expect(none.body.statusCode).toBe(404);
  });

  it('refuses malformed settings reports naming the field', async () => {
    expectNamed(await b.post('/producer/backup/m365/settings/retention-policy', t.producer, { ...POLICY, retentionPeriod: 'forever' }), 'retentionPeriod');
    expectNamed(await b.post('/producer/backup/m365/settings/backup-frequency', t.producer, { value: [{ serviceType: 0, frequency: 0, firstStartTime: '03:00' }] }), 'frequency');
    expectNamed(await b.post('/producer/backup/m365/settings/backup-frequency', t.producer, { value: [{ serviceType: 0, frequency: 1, firstStartTime: '25:00' }] }), 'firstStartTime');
    expectNamed(await b.post('/producer/backup/m365/license-consumption', t.producer, { purchasedUserSeats: -1, assignedUserSeats: 0, purchasedStorageSize: 0, protectedSize: 0 }), 'purchasedUserSeats');
    expectNamed(await b.post('/producer/backup/m365/unusual-activities', t.producer, { value: [{ ...detection('x', 1, 'o', 'Odd', '2024-01-01T00:00:00Z') }] }), 'kind');
  });

  it.each([
    [LICENSE, BACKUP_PERMISSIONS.subscription],
    [`${UNUSUAL}?startTime=2024-03-01&finishTime=2024-03-31`, BACKUP_PERMISSIONS.unusualActivity],
    [FREQUENCY, BACKUP_PERMISSIONS.settings],
    [RETENTION, BACKUP_PERMISSIONS.settings],
  ])('%s needs %s', async (path, permission) => {
    const others = Object.values(BACKUP_PERMISSIONS).filter((name) => name !== permission);
    const without = await b.tenant(others);
    const refused = await b.get(path, without.token);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain(permission);
    const only = await b.tenant([permission]);
    expect((await b.get(path, only.token)).status).not.toBe(403);
  });
});
