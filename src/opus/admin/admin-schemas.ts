import { Type } from 'typebox';
import { NullableBoolean, NullableInteger, NullableString, OpenObject } from '../../platform/schema.js';
import { CUSTOM_COLUMN_TYPES } from '../connector/columns.js';
import { MAX_RETAIN_DAYS, RETAIN_AFTER } from '../retention/rules.js';

/** Meridian's admin envelope, shaped like Microsoft Graph's error object (as on the identity admin API). */
export const AdminError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), requestId: Type.String() }) });

const Actor = Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Who made the change, for the audit log (default: the token\'s client id).' }));

export const ColumnSpec = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255, description: 'Display name; the internal name is derived from it.' }),
    type: Type.String({ description: `One of ${CUSTOM_COLUMN_TYPES.join(', ')} (or the UI label, e.g. "Choice (single selection)").` }),
    choices: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 500, description: 'Options of a choice column, numbered from 1.' })),
  },
  { additionalProperties: false },
);

export const CreateConnection = Type.Object(
  {
    /** The id the connection gets (a GUID); Meridian makes one when left out. */
    id: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' })),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(NullableString({ maxLength: 2000 })),
    columns: Type.Optional(Type.Array(ColumnSpec, { maxItems: 100 })),
    actor: Actor,
  },
  { additionalProperties: false },
);

export const ConnectionFile = Type.Object({ id: Type.String(), conflictOption: Type.String(), data: Type.Array(OpenObject()) });

export const ConnectionView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: NullableString(),
  builtInColumns: Type.Array(Type.Object({ name: Type.String(), internalName: Type.String(), type: Type.String(), required: Type.Boolean() })),
  columns: Type.Array(Type.Object({ name: Type.String(), internalName: Type.String(), type: Type.String(), choices: Type.Optional(Type.Array(Type.String())) })),
  createdAt: Type.String(),
  file: ConnectionFile,
});

const RuleFields = {
  retainDays: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_RETAIN_DAYS, description: 'Keep records this many days after the chosen time.' })),
  after: Type.Optional(Type.String({ enum: [...RETAIN_AFTER], description: 'created, modified or event.' })),
  approval: Type.Optional(Type.Boolean({ description: 'Destruction needs a reviewer\'s approval.' })),
  eventDate: Type.Optional(NullableString({ description: 'ISO 8601 date of the event, for event-based rules.' })),
};

export const CreateTerm = Type.Object({ path: Type.String({ minLength: 1, maxLength: 2600, description: 'termFullPath, e.g. Set/Term/Child' }), ...RuleFields, actor: Actor }, { additionalProperties: false });
export const UpdateTerm = Type.Object(
  { path: Type.String({ minLength: 1, maxLength: 2600 }), ...RuleFields, removeRule: Type.Optional(Type.Boolean()), actor: Actor },
  { additionalProperties: false },
);

export const TermEvent = Type.Object(
  { path: Type.String({ minLength: 1, maxLength: 2600 }), eventDate: NullableString({ description: 'ISO 8601; null clears it (records wait again).' }), actor: Actor },
  { additionalProperties: false },
);

export const TermView = Type.Object({
  id: Type.String(),
  termFullPath: Type.String(),
  /** Null retainDays: the term carries no rule of its own (its records follow the nearest ancestor's). */
  retainDays: NullableInteger(),
  after: NullableString(),
  approval: Type.Boolean(),
  eventDate: NullableString(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const CreateHold = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    reason: Type.Optional(NullableString({ maxLength: 2000 })),
    connectionId: Type.Optional(Type.String({ description: 'Hold the whole connection, or (with rowKeys) records of it.' })),
    termPath: Type.Optional(Type.String({ description: 'Hold every record classified under this term or its children.' })),
    rowKeys: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 1000 })),
    actor: Actor,
  },
  { additionalProperties: false },
);

export const HoldView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  reason: NullableString(),
  kind: Type.String(),
  connectionId: NullableString(),
  termPath: NullableString(),
  rowKeys: Type.Array(Type.String()),
  createdAt: Type.String(),
  createdBy: Type.String(),
  removedAt: NullableString(),
  removedBy: NullableString(),
});

export const Decide = Type.Object(
  {
    connectionId: Type.String(),
    rowKeys: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000 }),
    decision: Type.String({ enum: ['approve', 'reject'] }),
    reviewer: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    comment: Type.Optional(NullableString({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const DecisionOutcome = Type.Object({ rowKey: Type.String(), decision: NullableString(), message: NullableString() });

export const RecordView = Type.Object({
  connectionId: Type.String(),
  rowKey: Type.String(),
  leafName: Type.String(),
  termFullPath: NullableString(),
  timeCreated: Type.String(),
  timeModified: Type.String(),
  createdBy: Type.String(),
  modifiedBy: Type.String(),
  customValues: OpenObject(),
  disposalDueDate: NullableString(),
  requiresApproval: Type.Boolean(),
  reviewDecision: NullableString(),
  reviewedBy: NullableString(),
  reviewedAt: NullableString(),
  reviewComment: NullableString(),
  onHold: NullableBoolean(),
  submittedBy: Type.String(),
  updatedAt: Type.String(),
});

export const TombstoneView = Type.Object({
  connectionId: Type.String(),
  rowKey: Type.String(),
  termFullPath: NullableString(),
  rule: NullableString(),
  disposalDueDate: NullableString(),
  destroyedAt: Type.String(),
  destroyedBy: Type.String(),
  approvedBy: NullableString(),
  approvedAt: NullableString(),
});

export const RecordLookup = Type.Object({
  status: Type.String({ enum: ['Active', 'Destroyed'] }),
  record: Type.Optional(RecordView),
  tombstone: Type.Optional(TombstoneView),
});

export const PageOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ value: Type.Array(item), next: NullableString() });
