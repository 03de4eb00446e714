import { sql, type AliasableExpression, type Compilable, type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import { joinedBytes, joinedInOrder, joinedPositions, readTail, type JoinedBytes } from '../../storage/ordered-join.js';
import { queryTemplate, TemplateCache } from '../../storage/query-template.js';
import type { Engine } from '../../storage/database.js';
import type { BackupTables } from '../schema.js';
import { CountChanges, countable, dayWindow, type CountedColumns } from './job-counts.js';
import type { BackupProduct } from './products.js';

export type JobRow = Selectable<BackupTables['backup_jobs']>;

/** A job as a product reports it, in the shared shape: filter columns plus product-specific details. */
export interface StoredJob {
  jobId: string;
  jobType: number;
  serviceType: number | null;
  state: number;
  startMs: number;
  finishMs: number | null;
  location: string | null;
  organizationId: string | null;
  variant: number | null;
  description: string | null;
  details: Record<string, unknown>;
  /**
   * The job as its product's list shows it, rendered from these fields, for a job that has
   * finished (JobRow.listed). Stored only while the job keeps this report's start time.
   */
  listed?: string | undefined;
}

/** The documented filters of the five job lists, in one shape. Absent or empty means "any". */
export interface JobFilter {
  tenantId: string;
  product: BackupProduct;
  /** Inclusive lower bound of the job's start time. */
  startMs?: number | undefined;
  /** Exclusive upper bound of the job's start time. */
  endMs?: number | undefined;
  jobTypes?: number[] | undefined;
  serviceTypes?: number[] | undefined;
  states?: number[] | undefined;
  location?: string | undefined;
  organizationId?: string | undefined;
  variant?: number | undefined;
  /** Case-insensitive substring of the job id or its description. */
  search?: string | undefined;
}

/** The last job of a page in list order, from which the next page continues. */
export interface JobCursor {
  startMs: number;
  seq: number;
}

/** Where a page starts: after a cursor (keyset) or at an offset (a client's own page index). */
export interface PagePosition {
  after?: JobCursor | undefined;
  offset: number;
}

/** A page of list items, joined in list order inside the database (BackupJobStore.joinedListedPage). */
export interface JoinedListedPage {
  /** The page's items, comma-separated, as UTF-8. */
  items: Buffer;
  more: boolean;
  /** The page's last job, where the next page starts: present when more follow. */
  last?: JobCursor | undefined;
}

interface JoinedPageRow {
  items: JoinedBytes;
  /** `start_time:seq` of the page's last job and, when another follows, of the next one. */
  tail: string | null;
}

/**
 * Stands in the joined items for a job stored without its item, around its seq. JSON text never
 * holds a raw control character, so the byte cannot occur inside a stored item.
 */
const UNLISTED_MARK = 0x01;

export interface UpsertResult {
  received: number;
  /** Jobs inserted or changed. */
  applied: number;
  /** Reports refused because they would move a finished job back to a running state. */
  ignored: number;
}

const CHUNK = 500;

/**
 * A query's values under the names its compiled template binds (src/storage/query-template.ts).
 * Which names are present is the query's shape: each filter that is set adds its own, a list
 * one per item (state0, state1, ...).
 */
type QueryValues = Record<string, string | number>;

/** The filter's values, computed before any template binds them. */
function valuesOf(filter: JobFilter): QueryValues {
  const values: QueryValues = { tenantId: filter.tenantId, product: filter.product };
  if (filter.startMs !== undefined) values.startMs = filter.startMs;
  if (filter.endMs !== undefined) values.endMs = filter.endMs;
  const list = (name: string, items: readonly number[] | undefined) => items?.forEach((item, index) => (values[`${name}${index}`] = item));
  list('state', filter.states);
  list('jobType', filter.jobTypes);
  list('serviceType', filter.serviceTypes);
  if (filter.location !== undefined) values.location = filter.location;
  if (filter.variant !== undefined) values.variant = filter.variant;
  if (filter.organizationId !== undefined) values.organizationId = filter.organizationId.toLowerCase();
  if (filter.search) values.search = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return values;
}

/** A page's values: the filter's and its position (its size is part of its shape). */
function pageValues(filter: JobFilter, position: PagePosition): QueryValues {
  const after = position.after;
  const values = valuesOf(filter);
  if (after) {
    // The position is the range's one upper bound: given the window's end as well, SQLite ranges
    // from there and filters its way down to the position, a cost that grows with the depth.
    values.endMs = Math.min(filter.endMs ?? after.startMs + 1, after.startMs + 1);
    Object.assign(values, { afterStart: after.startMs, afterSeq: after.seq });
  }
  if (position.offset > 0) values.offset = position.offset;
  return values;
}

/** A page's shape: which values it binds, and its LIMIT, one row more than its size. */
const pageShapeOf = (values: QueryValues, size: number): string => JSON.stringify([Object.keys(values), size + 1]);

/** A page read one row further than its size, so that it knows whether more follow. */
function pageOf<R>(rows: R[], size: number): { rows: R[]; more: boolean } {
  const more = rows.length > size;
  return { rows: more ? rows.slice(0, size) : rows, more };
}

/** The slots of a list value, in order. */
function listOf(v: QueryValues, name: string): number[] {
  const items: number[] = [];
  for (let index = 0; `${name}${index}` in v; index++) items.push(v[`${name}${index}`] as number);
  return items;
}

/** The documented dimensions, on the columns backup_jobs and backup_job_counts share. */
function withDimensions<T extends 'backup_jobs' | 'backup_job_counts', O>(query: SelectQueryBuilder<BackupTables, T, O>, v: QueryValues): SelectQueryBuilder<BackupTables, T, O> {
  const conditions: Array<[RawBuilder<unknown>, unknown[]]> = [
    [sql.ref('state'), listOf(v, 'state')],
    [sql.ref('job_type'), listOf(v, 'jobType')],
    [sql.ref('service_type'), listOf(v, 'serviceType')],
    [sql.ref('location'), 'location' in v ? [v.location] : []],
    [sql.ref('variant'), 'variant' in v ? [v.variant] : []],
  ];
  return conditions.reduce((narrowed, [column, values]) => (values.length === 0 ? narrowed : narrowed.where(column, 'in', values)), query);
}

/** Bounds of start_time, by the names of the values holding them. */
interface TimeBounds {
  from: string;
  to: string;
}

const FILTER_BOUNDS: TimeBounds = { from: 'startMs', to: 'endMs' };

/**
 * Queries of backup_jobs, for every product. Lists are newest first in (start_time, seq)
 * order, both immutable once a job exists, so a keyset position stays valid however many
 * jobs are written meanwhile. The lists' reads run as compiled templates, one per shape:
 * building them with Kysely on every request took about a fifth of a list request's CPU.
 */
export class BackupJobStore {
  private readonly pages = new TemplateCache<QueryValues, JobRow>((shape) => this.pageTemplate(shape, (query) => query.selectAll()));
  private readonly joinedPages = new TemplateCache<QueryValues, JoinedPageRow>((shape) => this.joinedPageTemplate(shape));
  private readonly counts = new TemplateCache<QueryValues, { n: number }>((shape) => this.countTemplate(shape));

  constructor(
    private readonly db: Kysely<BackupTables>,
    private readonly engine: Engine,
  ) {}

  /** One page, newest first: after a cursor (keyset) or at an offset (a client's own page index). */
  async page(filter: JobFilter, position: PagePosition, size: number): Promise<{ rows: JobRow[]; more: boolean }> {
    const values = pageValues(filter, position);
    return pageOf(await this.pages.run(pageShapeOf(values, size), values), size);
  }

  /**
   * The same page for lists assembled from rendered items, as one value: the jobs' stored items
   * joined in list order inside the database, with the position of the page's last job and
   * whether more follow, in one statement (one snapshot). A job stored without an item (still
   * running, or stored before items were) is read whole, by the seq the page gave, and
   * rendered in its place by `render`. Building a row object per job and joining the items in
   * JavaScript cost more than the read itself.
   */
  async joinedListedPage(filter: JobFilter, position: PagePosition, size: number, render: (job: JobRow) => string): Promise<JoinedListedPage> {
    const values = pageValues(filter, position);
    if ('offset' in values) values.tailOffset = position.offset + size - 1;
    const [row] = await this.joinedPages.run(pageShapeOf(values, size), values);
    const items = joinedBytes(row?.items ?? null);
    const { more, last } = readTail(row?.tail ?? null);
    return { items: items.includes(UNLISTED_MARK) ? await this.withUnlistedRendered(items, render) : items, more, ...(last ? { last: { startMs: last.time, seq: last.seq } } : {}) };
  }

  /** The items with each marked job read whole and rendered in its place. */
  private async withUnlistedRendered(items: Buffer, render: (job: JobRow) => string): Promise<Buffer> {
    const marks: Array<{ start: number; end: number; seq: number }> = [];
    for (let start = items.indexOf(UNLISTED_MARK); start !== -1; ) {
      const end = items.indexOf(UNLISTED_MARK, start + 1);
      marks.push({ start, end, seq: Number(items.toString('latin1', start + 1, end)) });
      start = items.indexOf(UNLISTED_MARK, end + 1);
    }
    // By seq alone, which the tenant's own query just gave: with tenant_id too, SQLite would range over the tenant's jobs.
    const jobs = await this.db.selectFrom('backup_jobs').selectAll().where('seq', 'in', marks.map((mark) => mark.seq)).execute();
    const bySeq = new Map(jobs.map((job) => [job.seq, job]));
    const parts: Buffer[] = [];
    let from = 0;
    for (const mark of marks) {
      parts.push(items.subarray(from, mark.start), Buffer.from(render(bySeq.get(mark.seq)!), 'utf8'));
      from = mark.end + 1;
    }
    parts.push(items.subarray(from));
    return Buffer.concat(parts);
  }

  /**
   * The jobs matching the filter, exactly. Whole days come from backup_job_counts and only the
   * partial days at the window's ends from the index, in one statement: one snapshot on both
   * engines, so the sum and the edges agree however many jobs are being written.
   */
  async count(filter: JobFilter): Promise<number> {
    const window = countable(filter) ? dayWindow(filter.startMs, filter.endMs) : undefined;
    // A window is its days and edges instead of its bounds.
    const values = valuesOf(window ? { ...filter, startMs: undefined, endMs: undefined } : filter);
    if (window?.days.from !== undefined) values.dayFrom = window.days.from;
    if (window?.days.to !== undefined) values.dayTo = window.days.to;
    window?.edges.forEach((edge, index) => Object.assign(values, { [`edgeFrom${index}`]: edge.startMs, [`edgeTo${index}`]: edge.endMs }));
    // The edges' signs are SQL, not values: they are part of the shape.
    const [row] = await this.counts.run(JSON.stringify([Object.keys(values), window?.edges.map((edge) => edge.sign) ?? null]), values);
    return Number(row!.n);
  }

  private pageTemplate<R>(shape: string, select: (query: SelectQueryBuilder<BackupTables, 'backup_jobs', object>) => Compilable<R>) {
    const [names, limit] = JSON.parse(shape) as [string[], number];
    return queryTemplate(this.db, names, (v: QueryValues) => {
      // A literal LIMIT: SQLite plans a constant one better than a bound one (measured on /aos/audit).
      const query = this.inListOrder(v).limit(sql.lit(limit));
      return select('offset' in v ? query.offset(v.offset as number) : query);
    });
  }

  /** One statement: the page's items joined (a job without one marked by its seq), and one probe for its last position and whether another follows. */
  private joinedPageTemplate(shape: string) {
    const [names, limit] = JSON.parse(shape) as [string[], number];
    const size = limit - 1;
    const mark = this.engine === 'postgres' ? sql`chr(${sql.lit(UNLISTED_MARK)})` : sql`char(${sql.lit(UNLISTED_MARK)})`;
    return queryTemplate(this.db, names, (v: QueryValues) => {
      const page = this.inListOrder(v).select(['start_time', 'seq', 'listed']).limit(sql.lit(size));
      const tail = this.inListOrder(v).select(['start_time', 'seq']).limit(sql.lit(2));
      const item = sql`coalesce(${sql.ref('listed')}, ${mark} || ${sql.ref('seq')} || ${mark})`;
      return this.db.selectNoFrom((eb) => [
        eb
          .selectFrom(('offset' in v ? page.offset(v.offset as number) : page).as('page'))
          .select(joinedInOrder(this.engine, item, ['start_time', 'seq'], 'desc').as('items'))
          .as('items'),
        eb
          .selectFrom(('tailOffset' in v ? tail.offset(v.tailOffset as number) : tail.offset(sql.lit(size - 1))).as('tail'))
          .select(joinedPositions(this.engine, 'start_time', 'seq', 'desc').as('tail'))
          .as('tail'),
      ]);
    });
  }

  /** The filter's jobs after the position, newest first. */
  private inListOrder(v: QueryValues) {
    let query = this.matching(v, FILTER_BOUNDS);
    if ('afterStart' in v) query = query.where((eb) => eb(eb.refTuple('start_time', 'seq'), '<', eb.tuple(v.afterStart as number, v.afterSeq as number)));
    return query.orderBy('start_time', 'desc').orderBy('seq', 'desc');
  }

  private countTemplate(shape: string) {
    const [names, signs] = JSON.parse(shape) as [string[], Array<1 | -1> | null];
    return queryTemplate(this.db, names, (v: QueryValues) => {
      if (!signs) return this.matching(v, FILTER_BOUNDS).select(sql<number>`count(*)`.as('n'));
      return this.db.selectNoFrom((eb) =>
        signs
          .reduce<AliasableExpression<number>>(
            (total, sign, index) => eb(total, sign > 0 ? '+' : '-', this.matching(v, { from: `edgeFrom${index}`, to: `edgeTo${index}` }).select(sql<number>`count(*)`.as('n')).$asScalar()),
            this.countedDays(v).$asScalar(),
          )
          .as('n'),
      );
    });
  }

  /** The tenant's jobs of the product that match the values, with start_time within `bounds`. */
  private matching(v: QueryValues, bounds: TimeBounds) {
    let query = this.db.selectFrom('backup_jobs').where('tenant_id', '=', v.tenantId as string).where('product', '=', v.product as string);
    if (bounds.from in v) query = query.where('start_time', '>=', v[bounds.from] as number);
    if (bounds.to in v) query = query.where('start_time', '<', v[bounds.to] as number);
    query = withDimensions(query, v);
    if ('organizationId' in v) query = query.where(sql<string>`lower(organization_id)`, '=', v.organizationId as string);
    if ('search' in v) {
      const pattern = sql<string>`${v.search} escape '\\'`;
      query = query.where((eb) => eb.or([eb(sql<string>`lower(job_id)`, 'like', pattern), eb(sql<string>`lower(description)`, 'like', pattern)]));
    }
    return query;
  }

  /** The jobs of the whole days between dayFrom and dayTo, from backup_job_counts. */
  private countedDays(v: QueryValues) {
    let query = this.db.selectFrom('backup_job_counts').where('tenant_id', '=', v.tenantId as string).where('product', '=', v.product as string);
    if ('dayFrom' in v) query = query.where('start_day', '>=', v.dayFrom as number);
    if ('dayTo' in v) query = query.where('start_day', '<', v.dayTo as number);
    return withDimensions(query, v).select(sql<number>`coalesce(sum(n), 0)`.as('n'));
  }

  async find(tenantId: string, product: BackupProduct, jobId: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('backup_jobs').selectAll().where('tenant_id', '=', tenantId).where('product', '=', product).where('job_id', '=', jobId).executeTakeFirst();
  }

  /**
   * Inserts or updates jobs by the producer's id, in one transaction. A job in one of
   * `runningStates` may move anywhere; a job that has left them never returns, so a late or
   * repeated "started" report cannot undo a finish. The start time is kept from the first
   * report: it orders the lists, and a page position must not move under a client.
   */
  async upsert(tenantId: string, product: BackupProduct, jobs: readonly StoredJob[], runningStates: readonly number[], nowMs: number): Promise<UpsertResult> {
    return this.db.transaction().execute((trx) => this.upsertIn(trx, tenantId, product, jobs, runningStates, nowMs));
  }

  /** Also moves each written job's count from the dimensions it had (if it existed) to those it has now. */
  async upsertIn(
    trx: Transaction<BackupTables>,
    tenantId: string,
    product: BackupProduct,
    jobs: readonly StoredJob[],
    runningStates: readonly number[],
    nowMs: number,
  ): Promise<UpsertResult> {
    await this.takeWriterTurn(trx, tenantId, product);
    const running = new Set(runningStates);
    const { latest, stale } = fold(jobs, running);
    const counts = new CountChanges();
    let applied = 0;
    for (let i = 0; i < latest.length; i += CHUNK) {
      const chunk = latest.slice(i, i + CHUNK);
      const stored = await this.storedCounted(trx, tenantId, product, chunk.map(({ job }) => job.jobId));
      const values = new Map(chunk.map(({ job, startMs }) => [job.jobId, rowOf(tenantId, product, job, stored.get(job.jobId)?.start_time ?? startMs, nowMs)]));
      const written = await trx
        .insertInto('backup_jobs')
        .values([...values.values()])
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'product', 'job_id'])
            .doUpdateSet((eb) => ({
              job_type: eb.ref('excluded.job_type'),
              service_type: eb.ref('excluded.service_type'),
              state: eb.ref('excluded.state'),
              finish_time: eb.ref('excluded.finish_time'),
              location: eb.ref('excluded.location'),
              organization_id: eb.ref('excluded.organization_id'),
              variant: eb.ref('excluded.variant'),
              description: eb.ref('excluded.description'),
              details: eb.ref('excluded.details'),
              listed: eb.ref('excluded.listed'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where((eb) => eb.or([eb('backup_jobs.state', 'in', [...running]), eb('excluded.state', 'not in', [...running])])),
        )
        .returning('job_id')
        .execute();
      applied += written.length;
      for (const { job_id } of written) {
        const before = stored.get(job_id);
        if (before) counts.add(before, -1);
        counts.add(values.get(job_id)!, 1);
      }
    }
    await counts.apply(trx, tenantId, product);
    return { received: jobs.length, applied, ignored: stale + latest.length - applied };
  }

  /**
   * The counts move jobs from the dimensions read before the upsert, so no other writer may
   * change those jobs in between. On PostgreSQL a tenant's writers of one product take turns;
   * SQLite runs one write transaction at a time already.
   */
  private async takeWriterTurn(trx: Transaction<BackupTables>, tenantId: string, product: BackupProduct): Promise<void> {
    if (this.engine === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`backup-jobs:${tenantId}:${product}`}))`.execute(trx);
  }

  /** The stored jobs among `jobIds`, by id, with the columns they are counted by. */
  private async storedCounted(trx: Transaction<BackupTables>, tenantId: string, product: BackupProduct, jobIds: string[]): Promise<Map<string, CountedColumns>> {
    const rows = await trx
      .selectFrom('backup_jobs')
      .select(['job_id', 'start_time', 'state', 'job_type', 'service_type', 'location', 'variant'])
      .where('tenant_id', '=', tenantId)
      .where('product', '=', product)
      .where('job_id', 'in', jobIds)
      .execute();
    return new Map(rows.map((row) => [row.job_id, row]));
  }
}

/**
 * Reports of one job in a batch fold with the upsert's own rule, because one statement cannot
 * touch a row twice: the last report wins unless it would take a finished job back to running,
 * and the first report's start time is kept.
 */
function fold(jobs: readonly StoredJob[], running: ReadonlySet<number>): { latest: Array<{ job: StoredJob; startMs: number }>; stale: number } {
  const folded = new Map<string, { job: StoredJob; startMs: number }>();
  let stale = 0;
  for (const job of jobs) {
    const previous = folded.get(job.jobId);
    if (previous && !running.has(previous.job.state) && running.has(job.state)) {
      stale++;
      continue;
    }
    folded.set(job.jobId, { job, startMs: previous?.startMs ?? job.startMs });
  }
  return { latest: [...folded.values()], stale };
}

/** The row a report writes; `startMs` is the job's start time as it is kept. */
function rowOf(tenantId: string, product: BackupProduct, job: StoredJob, startMs: number, nowMs: number) {
  return {
    tenant_id: tenantId,
    product,
    job_id: job.jobId,
    job_type: job.jobType,
    service_type: job.serviceType,
    state: job.state,
    start_time: startMs,
    finish_time: job.finishMs,
    location: job.location,
    organization_id: job.organizationId,
    variant: job.variant,
    description: job.description,
    details: JSON.stringify(job.details),
    // The item shows the report's start time; a job that keeps an earlier one is rendered on read.
    listed: startMs === job.startMs ? (job.listed ?? null) : null,
    updated_at: nowMs,
  };
}

export const parseDetails = <T>(row: Pick<JobRow, 'details'>): T => JSON.parse(row.details) as T;
