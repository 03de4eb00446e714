import { Type, type TProperties, type TSchema } from 'typebox';

/**
 * Elements v3 paging: `pageIndex` (from 1) and `pageSize` in the query, and a page envelope of
 * `data` plus `metadata` — except the hit-items page, whose envelope says `metaData`.
 */
export function pageQuery(extra: TProperties = {}, options: { defaultSize?: number; maxSize?: number } = {}) {
  const maxSize = options.maxSize ?? 100;
  const defaultSize = options.defaultSize ?? 50;
  return Type.Object(
    {
      pageIndex: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1, description: 'The page to return, from 1. The default is 1.' }),
      pageSize: Type.Integer({ minimum: 1, maximum: maxSize, default: defaultSize, description: `Objects per page. The default is ${defaultSize}; at most ${maxSize}.` }),
      ...extra,
    },
    { additionalProperties: false },
  );
}

export interface PageParams {
  pageIndex: number;
  pageSize: number;
}

export const PageMetadata = Type.Object({ pageIndex: Type.Integer(), pageSize: Type.Integer(), totalCount: Type.Integer() });

export const dataPage = (item: TSchema, metadataKey: 'metadata' | 'metaData' = 'metadata', extra: TProperties = {}) =>
  Type.Object({ ...extra, data: Type.Array(item), [metadataKey]: PageMetadata });

export function pageOf<T>(items: T[], totalCount: number, page: PageParams, metadataKey: 'metadata' | 'metaData' = 'metadata') {
  return { data: items, [metadataKey]: { pageIndex: page.pageIndex, pageSize: page.pageSize, totalCount } };
}

export const IdList = (name: string) => Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000, description: `Only these ${name}; all when absent or empty.` });

/** A batch body: an optional id filter (every item when absent or empty). */
export const idFilterBody = (field: string, what: string) => Type.Object({ [field]: Type.Optional(IdList(what)) }, { additionalProperties: false });

export const idFilter = (body: Record<string, unknown>, field: string): string[] | undefined => {
  const ids = body[field] as string[] | undefined;
  return ids && ids.length > 0 ? ids : undefined;
};
