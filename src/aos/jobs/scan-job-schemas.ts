import { Type, type Static } from 'typebox';
import { NullableString } from '../../platform/schema.js';
import { SCAN_JOB_STATE_VALUES, SCAN_JOB_TYPES, SCAN_PROFILE_CATEGORIES } from '../catalogue.js';


/** GET /aos/jobs query (main/services-and-features/aos/jobs.md). */
export const ScanJobQuery = Type.Object({
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Jobs per page, 1 to 1000 (default 100).' })),
  skip: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Jobs to skip before the page (default 0).' })),
  orderby: Type.Optional(Type.String({ description: 'StartTime (default) or FinishTime.' })),
  sortorder: Type.Optional(Type.Integer({ enum: [0, 1], description: '0 oldest on top, 1 newest on top (default).' })),
  search: Type.Optional(Type.String({ maxLength: 200, description: 'Finds jobs whose id contains this text.' })),
});

export const ScanJob = Type.Object({
  id: Type.String(),
  type: Type.Integer({ enum: [...SCAN_JOB_TYPES] }),
  state: Type.Integer({ enum: SCAN_JOB_STATE_VALUES }),
  startTime: Type.String(),
  finishTime: NullableString(),
  scanProfileName: NullableString(),
  category: Type.Integer({ enum: [...SCAN_PROFILE_CATEGORIES] }),
  extension: Type.Null(),
});
export type ScanJob = Static<typeof ScanJob>;

export const ScanJobPage = Type.Object({
  jobs: Type.Array(ScanJob),
  nextLink: NullableString(),
  totalCount: Type.Integer(),
});

export const ProducedScanJob = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Integer({ enum: [...SCAN_JOB_TYPES] }),
    state: Type.Integer({ enum: SCAN_JOB_STATE_VALUES }),
    startTime: Type.String({ description: 'ISO 8601' }),
    finishTime: Type.Optional(NullableString({ description: 'ISO 8601' })),
    scanProfileName: Type.Optional(NullableString({ maxLength: 500 })),
    category: Type.Integer({ enum: [...SCAN_PROFILE_CATEGORIES] }),
  },
  { additionalProperties: false },
);
export type ProducedScanJob = Static<typeof ProducedScanJob>;
export const ProducedScanJobBatch = Type.Object({ value: Type.Array(ProducedScanJob, { minItems: 1, maxItems: 1000 }) });
