import type { Kysely } from 'kysely';
import type { ElementsGlobalTables } from '../schema.js';

export interface SeatPool {
  resource: string;
  subscriptionSourceType: number;
  totalSeats: number;
  premiumLimit: number;
  expiresAtMs: number;
}

export interface SeatDraw {
  partnerId: string;
  customerId: string;
  product: number;
  resource: string;
  sourceType: number;
  seats: number;
  premium: boolean;
}

export type DrawOutcome = 'drawn' | 'drawn-before' | 'no-pool' | 'insufficient' | 'premium-limit';

/**
 * The partner's license pools (add-service.md "draws seats from the pool"). A draw is keyed
 * by customer, product and resource, so a retried add-service never draws twice; the pool
 * check and the draw happen in one transaction, so two customers never share the last seat.
 */
export class SeatPools {
  constructor(private readonly db: Kysely<ElementsGlobalTables>) {}

  async upsert(partnerId: string, pools: SeatPool[]): Promise<void> {
    for (const pool of pools) {
      const values = { total_seats: pool.totalSeats, premium_limit: pool.premiumLimit, expires_at: pool.expiresAtMs };
      await this.db
        .insertInto('elements_seat_pools')
        .values({ partner_id: partnerId, resource: pool.resource, source_type: pool.subscriptionSourceType, assigned_seats: 0, premium_used: 0, ...values })
        .onConflict((oc) => oc.columns(['partner_id', 'resource', 'source_type']).doUpdateSet(values))
        .execute();
    }
  }

  async find(partnerId: string, resource: string, sourceType: number) {
    return this.db.selectFrom('elements_seat_pools').selectAll().where('partner_id', '=', partnerId).where('resource', '=', resource).where('source_type', '=', sourceType).executeTakeFirst();
  }

  /** Draws every item of one add-service call, all or none. */
  async draw(draws: SeatDraw[], nowMs: number): Promise<DrawOutcome> {
    return this.db.transaction().execute(async (trx) => {
      let outcome: DrawOutcome = 'drawn-before';
      for (const draw of draws) {
        const pool = await trx.selectFrom('elements_seat_pools').selectAll().where('partner_id', '=', draw.partnerId).where('resource', '=', draw.resource).where('source_type', '=', draw.sourceType).executeTakeFirst();
        if (!pool) throw new Refused('no-pool');
        const earlier = await trx.selectFrom('elements_seat_draws').select('seats').where('customer_id', '=', draw.customerId).where('product', '=', draw.product).where('resource', '=', draw.resource).executeTakeFirst();
        if (earlier) continue;
        if (draw.premium && pool.premium_used >= pool.premium_limit) throw new Refused('premium-limit');
        const updated = await trx
          .updateTable('elements_seat_pools')
          .set((eb) => ({ assigned_seats: eb('assigned_seats', '+', draw.seats), premium_used: eb('premium_used', '+', draw.premium ? 1 : 0) }))
          .where('partner_id', '=', draw.partnerId)
          .where('resource', '=', draw.resource)
          .where('source_type', '=', draw.sourceType)
          .where((eb) => eb(eb('total_seats', '-', eb.ref('assigned_seats')), '>=', draw.seats))
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) throw new Refused('insufficient');
        await trx.insertInto('elements_seat_draws').values({ partner_id: draw.partnerId, customer_id: draw.customerId, product: draw.product, resource: draw.resource, seats: draw.seats, created_at: nowMs }).execute();
        outcome = 'drawn';
      }
      return outcome;
    }).catch((error: unknown) => {
      if (error instanceof Refused) return error.outcome;
      throw error;
    });
  }
}

class Refused extends Error {
  constructor(readonly outcome: DrawOutcome) {
    super(outcome);
  }
}
