import type { RegionContext } from '../platform/product-module.js';
import type { OutboxDispatcher } from '../platform/outbox.js';
import type { ConnectionService, ConnectionStore } from './connector/connection-store.js';
import type { RecordStore } from './connector/record-store.js';
import type { RecordSubmission } from './connector/submission.js';
import type { RestoreService } from './restore-archived-data/restore-service.js';
import type { DisposalService } from './retention/disposal.js';
import type { HoldService } from './retention/holds.js';
import type { ReviewService } from './retention/reviews.js';
import type { TermService } from './retention/terms.js';

/** Everything the module's routes use, made once per region in index.ts. */
export interface OpusServices {
  context: RegionContext;
  connections: ConnectionStore;
  connectionAdmin: ConnectionService;
  records: RecordStore;
  submission: RecordSubmission;
  terms: TermService;
  holds: HoldService;
  reviews: ReviewService;
  disposal: DisposalService;
  restores: RestoreService;
  /** Kicked after each committed change so audit records reach the log promptly. */
  audit: OutboxDispatcher;
}
