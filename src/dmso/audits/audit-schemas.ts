import { Type, type TSchema } from 'typebox';
import { NullableString } from '../../platform/schema.js';
import { DMSO_ACTIONS, DMSO_MODULES, DMSO_STATUSES } from '../catalogue.js';

const codeList = (table: ReadonlyArray<readonly [number, string]>) => table.map(([code, name]) => `${code} ${name}`).join('; ');

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 100;

/** GET /dmso/audits query (main/services-and-features/dmso/dmso.md, "Query Parameters"). */
export const AuditQuery = Type.Object({
  startTime: Type.Optional(Type.String({ description: 'Start of the time range, ISO 8601. Defaults to 7 days before endTime.' })),
  endTime: Type.Optional(Type.String({ description: 'End of the time range, ISO 8601. Defaults to now (the last 7 days).' })),
  status: Type.Optional(Type.Array(Type.Integer(), { description: `Statuses to include (repeat the parameter): ${codeList(DMSO_STATUSES)}.` })),
  action: Type.Optional(Type.Array(Type.Integer(), { description: `Action codes to include (repeat the parameter), the ${DMSO_ACTIONS.length} codes of the page: ${codeList(DMSO_ACTIONS)}.` })),
  module: Type.Optional(Type.Array(Type.Integer(), { description: `Modules to include (repeat the parameter): ${codeList(DMSO_MODULES)}.` })),
  isDetail: Type.Optional(Type.Boolean({ description: 'true also returns `detail`, the object tree with its children.' })),
  search: Type.Optional(Type.String({ maxLength: 256, description: 'Only the records of users whose display name contains this text (any case).' })),
  pageIndex: Type.Optional(Type.Integer({ minimum: 0, description: 'The page, from 1 (0 is read as 1). Default 1.' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `Records per page, at most ${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE}.` })),
  orderBy: Type.Optional(Type.Integer({ enum: [0], description: 'Sort column; 0 (action time) is the only one. Found in the sample nextLink.' })),
  isASC: Type.Optional(Type.Boolean({ description: 'true (default) oldest first, false newest first. Found in the sample nextLink.' })),
  skipToken: Type.Optional(Type.String({ description: 'Continuation token of a nextLink: keeps the pages exact while records are written.' })),
});

/** DownloadItem: an object of the action, with its children (a tree, only in `detail`). */
const DownloadItemDefinition = Type.Object({
  path: Type.String({ description: 'Path of the object.' }),
  type: Type.Integer({ enum: [1, 2], description: '1 File, 2 Container (folder or document set).' }),
  children: Type.Array(Type.Ref('DmsoDownloadItem')),
});
export interface DownloadItem {
  path: string;
  type: 1 | 2;
  children: DownloadItem[];
}
const DownloadItems = Type.Array(Type.Ref('DmsoDownloadItem'));

/**
 * A schema that uses DownloadItem, with the tree's one definition beside it: a recursive
 * schema is declared once per document, however many fields hold a tree.
 */
const withDownloadItem = <T extends TSchema>(name: string, schema: T) => Type.Cyclic({ DmsoDownloadItem: DownloadItemDefinition, [name]: schema }, name);

/** AuditModel, in the response sample's field order. */
export const AuditModel = withDownloadItem(
  'DmsoAuditModel',
  Type.Object({
    id: Type.Integer(),
    module: Type.Integer(),
    action: Type.Integer(),
    status: Type.Integer(),
    clientIP: Type.String(),
    actionTime: Type.String(),
    objectName: Type.String(),
    objectDetail: DownloadItems,
    detail: Type.Unsafe<DownloadItem[] | null>({ type: ['array', 'null'], items: Type.Ref('DmsoDownloadItem'), description: 'The object tree with children; null unless isDetail=true.' }),
    userPrincipalName: Type.String(),
    userEntraId: Type.String(),
    userDisplayName: Type.String(),
  }),
);
export interface AuditModel {
  id: number;
  module: number;
  action: number;
  status: number;
  clientIP: string;
  actionTime: string;
  objectName: string;
  objectDetail: DownloadItem[];
  detail: DownloadItem[] | null;
  userPrincipalName: string;
  userEntraId: string;
  userDisplayName: string;
}

/** ResponseResult, with the envelope fields of the response sample. */
export const AuditPage = Type.Object({
  data: Type.Array(AuditModel),
  nextLink: NullableString({ description: 'Relative link to the next page (resolve it against the request URL); null on the last page.' }),
  traceId: Type.String(),
  errorMessage: Type.String(),
  statusCode: Type.Integer(),
});

/** ErrorResponse of the page. */
export const DmsoError = Type.Object({ traceId: Type.String(), error: Type.String(), statusCode: Type.Integer() });

/** What DMS Online reports: an audit record with the producer's own id, which makes retries harmless. */
export const ProducedAuditRecord = withDownloadItem(
  'DmsoProducedAuditRecord',
  Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: 200, description: 'Producer-supplied id; a record is stored once per id.' }),
      actionTime: Type.String({ description: 'ISO 8601' }),
      module: Type.Integer({ description: 'A module code of the page.' }),
      action: Type.Integer({ description: 'An action code of the page.' }),
      status: Type.Integer({ description: '200 Success or 500 Failed.' }),
      clientIP: Type.String({ maxLength: 64 }),
      objectName: Type.String({ maxLength: 2000 }),
      userPrincipalName: Type.String({ maxLength: 500 }),
      userEntraId: Type.String({ maxLength: 100 }),
      userDisplayName: Type.String({ maxLength: 500 }),
      objectDetail: Type.Optional(DownloadItems),
      detail: Type.Optional(DownloadItems),
    },
    { additionalProperties: false },
  ),
);
export interface ProducedAuditRecord extends Omit<AuditModel, 'id' | 'objectDetail' | 'detail'> {
  id: string;
  objectDetail?: DownloadItem[];
  detail?: DownloadItem[];
}

export const ProducedAuditBatch = Type.Object({ value: Type.Array(ProducedAuditRecord, { minItems: 1, maxItems: 1000 }) });
export const ProducerResult = Type.Object({ received: Type.Integer(), stored: Type.Integer(), duplicates: Type.Integer() });
