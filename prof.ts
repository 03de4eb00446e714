import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openDatabase } from './src/storage/database.js';
import { ObjectStore } from './src/enpower/shared/object-store.js';
import { EventStore } from './src/enpower/shared/event-store.js';
import { computedFieldsOf } from './src/enpower/shared/computed-fields.js';
import { fillComputed } from './src/enpower/shared/render.js';
import { POWER_APPS } from './src/enpower/powerapps/powerapp-schemas.js';
const dir = readdirSync('bench/.data').find((d) => d.startsWith('enpower'))!;
const database = await openDatabase<any>({ engine: 'sqlite', file: `bench/.data/${dir}/region-us.sqlite` });
const objects = new ObjectStore(database.db, 'sqlite');
const events = new EventStore(database.db, 'sqlite');
const meta = JSON.parse(readFileSync(`bench/.data/${dir}/dataset.json`, 'utf8'));
const filter = { tenantId: meta.tenantId, kind: 'powerApp' };
for (let round = 0; round < 8; round++) {
  let t = performance.now();
  const rows = await objects.page(filter, undefined, 1000);
  const a = performance.now() - t; t = performance.now();
  const computed = await computedFieldsOf(POWER_APPS, { filter, lastSeq: rows[999]!.seq }, rows.map((r) => r.parent_key), { objects, events }, meta.tenantId, Date.now());
  const c = performance.now() - t; t = performance.now();
  const items = rows.map((row) => fillComputed(row.doc_json, computed.get(row.parent_key)!));
  const text = `{"powerApps":[${items.join(',')}]}`;
  const d = performance.now() - t; t = performance.now();
  Buffer.from(text);
  const e = performance.now() - t;
  console.log(rows.length, `page ${a.toFixed(1)} computed ${c.toFixed(1)} fill ${d.toFixed(1)} buffer ${e.toFixed(1)}`);
}
await database.close();
