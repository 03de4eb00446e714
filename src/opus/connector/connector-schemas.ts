import { Type } from 'typebox';
import { NullableString, OpenObject } from '../../platform/schema.js';
import { CONFLICT_OPTIONS, MAX_RECORDS_PER_CALL } from '../catalogue.js';

/** The connector pages' envelope (statusCode, message), used for their errors too. */
export const ConnectorError = Type.Object({ statusCode: Type.Integer(), message: Type.String() });

/** submit-records.md, "Request Parameters". */
export const SubmitBody = Type.Object(
  {
    id: Type.String({ description: 'The ID of the connection, from its JSON file.' }),
    conflictOption: Type.String({ enum: [...CONFLICT_OPTIONS], description: 'Overwrite or Skip a record whose rowKey exists. `confilictOption` is accepted too.' }),
    data: Type.Array(OpenObject({ description: 'A record: the built-in columns (rowKey, leafName, termFullPath, timeCreated, timeModified, createdBy, modifiedBy) and custom columns by internal name.' }), {
      minItems: 1,
      maxItems: MAX_RECORDS_PER_CALL,
    }),
  },
  { additionalProperties: false },
);

export const FailedRecord = Type.Object({
  index: Type.Integer({ description: 'Position of the record in data, from 0.' }),
  rowKey: NullableString(),
  code: Type.String({ description: 'invalid_record, unknown_term or destroyed' }),
  message: Type.String(),
});

/** submit-records.md, "Response": statusCode, message, and failedItems when some records failed. */
export const SubmitResult = Type.Object({
  statusCode: Type.Integer(),
  message: NullableString(),
  failedItems: Type.Optional(Type.Array(FailedRecord)),
});

/** retrieve-due-records.md, "Request Parameters". Checked in the handler to name what is wrong. */
export const DueRecordsQuery = Type.Object({
  id: Type.Optional(Type.String({ description: 'The ID of the connection. Required.' })),
  disposalDueDate: Type.Optional(Type.String({ description: 'Records due before this date-time (ISO 8601; UTC when no offset is given). Required.' })),
  startIndex: Type.Optional(Type.String({ description: 'Empty on the first request; then the startIndex the previous page returned.' })),
  itemsPerPage: Type.Optional(Type.String({ description: 'Records per page, 0 to 100 (0 means 100). Required.' })),
});

/** retrieve-due-records.md, "Record Details", in the response sample's order. */
export const DueRecord = Type.Object({
  rowKey: Type.String(),
  leafName: Type.String(),
  termFullPath: NullableString(),
  timeCreated: Type.String(),
  timeModified: Type.String(),
  createdBy: Type.String(),
  modifiedBy: Type.String(),
});

export const DueRecordsPage = Type.Object({
  startIndex: NullableString({ description: 'Send it back as startIndex for the next page; null on the last page.' }),
  statusCode: Type.Integer(),
  message: NullableString(),
  queriedItems: Type.Array(DueRecord),
});

/** destroy-records.md, "Request Parameters"; `id` is Meridian's optional disambiguation. */
export const DestroyBody = Type.Object(
  {
    disposalIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: MAX_RECORDS_PER_CALL, description: 'rowKeys of the records to mark Destroyed.' }),
    id: Type.Optional(Type.String({ description: 'Meridian extension: the connection, needed only when a key exists in several connections.' })),
  },
  { additionalProperties: false },
);

export const FailedDisposal = Type.Object({
  disposalId: Type.String(),
  code: Type.String({ description: 'not_found, ambiguous, not_due, on_hold, awaiting_approval or rejected' }),
  message: Type.String(),
});

export const DestroyResult = Type.Object({
  statusCode: Type.Integer(),
  message: NullableString(),
  failedItems: Type.Optional(Type.Array(FailedDisposal)),
});

/** Producer API: the same submission, in batches of up to 1000. */
export const ProducedRecords = Type.Object(
  {
    id: Type.String(),
    conflictOption: Type.String({ enum: [...CONFLICT_OPTIONS] }),
    data: Type.Array(OpenObject(), { minItems: 1, maxItems: 1000 }),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Who submitted them, for the audit log.' })),
  },
  { additionalProperties: false },
);
export const ProducedRecordsResult = Type.Object({ received: Type.Integer(), stored: Type.Integer(), skipped: Type.Integer(), failedItems: Type.Array(FailedRecord) });

export const ProducedDestroy = Type.Object(
  {
    disposalIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000 }),
    id: Type.Optional(Type.String()),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const ProducedDestroyResult = Type.Object({ destroyed: Type.Array(Type.String()), alreadyDestroyed: Type.Array(Type.String()), failedItems: Type.Array(FailedDisposal) });
