import type { CreateTableBuilder, Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Engine } from '../storage/database.js';
import { addSequenceColumn } from '../storage/migrations.js';
import type { Clock } from './clock.js';

/**
 * A transactional outbox: a message (an audit record, say) is written in the same
 * transaction as the change it describes, then delivered in order, in batches per tenant
 * and destination, retrying with backoff. Deliveries must be idempotent on the message id,
 * since a crash between delivering and marking delivers again. Each module keeps its own
 * outbox table; this is the one mechanism behind them.
 */
export interface OutboxTable {
  seq: number;
  id: string;
  tenant_id: string;
  destination: string;
  payload: string;
  created_at: number;
  delivered_at: number | null;
  attempts: number;
}

type OutboxDatabase = Record<string, OutboxTable>;

export interface OutboxMessage {
  id: string;
  tenantId: string;
  /** Where it goes (a region code, or '' when the deliverer needs no more than the tenant). */
  destination?: string;
  payload: unknown;
}

/** The outbox table, for a module's migration. */
export function createOutboxTable(db: Kysely<unknown>, engine: Engine, table: string): CreateTableBuilder<string, never> {
  return addSequenceColumn(db.schema.createTable(table), engine, 'seq')
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)) as CreateTableBuilder<string, never>;
}

export async function createOutboxIndex(db: Kysely<unknown>, table: string): Promise<void> {
  await db.schema.createIndex(`${table}_pending`).on(table).columns(['delivered_at', 'seq']).execute();
}

/** Writes messages into the outbox inside the caller's transaction. */
export async function appendToOutbox(trx: Kysely<never> | Transaction<never>, table: string, messages: OutboxMessage[], nowMs: number): Promise<void> {
  if (messages.length === 0) return;
  await (trx as unknown as Kysely<OutboxDatabase>)
    .insertInto(table)
    .values(
      messages.map((message) => ({
        id: message.id,
        tenant_id: message.tenantId,
        destination: message.destination ?? '',
        payload: JSON.stringify(message.payload),
        created_at: nowMs,
        delivered_at: null,
        attempts: 0,
      })) as never,
    )
    .execute();
}

export type OutboxDelivery = (destination: string, tenantId: string, payloads: unknown[]) => Promise<void>;

export class OutboxDispatcher {
  private readonly db: Kysely<OutboxDatabase>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private failures = 0;

  constructor(
    db: Kysely<never>,
    private readonly table: string,
    private readonly deliver: OutboxDelivery,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {
    this.db = db as unknown as Kysely<OutboxDatabase>;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a delivery soon, e.g. right after a change was committed. */
  kick(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Delivers everything pending now; returns how many messages were delivered. */
  async flush(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await this.db
        .selectFrom(this.table)
        .select(['seq', 'tenant_id', 'destination', 'payload'])
        .where('delivered_at', 'is', null)
        .orderBy('seq')
        .limit(200)
        .execute();
      if (batch.length === 0) return delivered;
      const groups = new Map<string, typeof batch>();
      for (const row of batch) {
        const key = `${row.destination}\u0000${row.tenant_id}`;
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      for (const rows of groups.values()) {
        const [first] = rows;
        if (!first) continue;
        const seqs = rows.map((row) => row.seq);
        try {
          await this.deliver(first.destination, first.tenant_id, rows.map((row) => JSON.parse(row.payload) as unknown));
        } catch (error) {
          await this.db
            .updateTable(this.table)
            .set((eb) => ({ attempts: eb('attempts', '+', 1) }) as never)
            .where('seq', 'in', seqs)
            .execute();
          throw error;
        }
        await this.db.updateTable(this.table).set({ delivered_at: this.clock.nowMs() } as never).where('seq', 'in', seqs).execute();
        delivered += rows.length;
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = this.flush()
      .then(() => {
        this.failures = 0;
      })
      .catch((error: unknown) => {
        this.failures += 1;
        this.logger.warn({ err: (error as Error).message, outbox: this.table, failures: this.failures }, 'outbox delivery failed; will retry');
      });
    await this.running;
    this.running = undefined;
    const backoff = this.failures === 0 ? this.intervalMs : Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7));
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else {
      this.schedule(backoff);
    }
  }
}
