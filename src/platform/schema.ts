import { Type } from 'typebox';

/**
 * Nullable scalars written as JSON Schema type arrays. A `anyOf [string, null]` union
 * makes Fastify's serializer print null as "", which breaks the documented samples.
 */
export const NullableString = (options: Record<string, unknown> = {}) => Type.Unsafe<string | null>({ ...options, type: ['string', 'null'] });
export const NullableInteger = (options: Record<string, unknown> = {}) => Type.Unsafe<number | null>({ ...options, type: ['integer', 'null'] });
export const NullableNumber = (options: Record<string, unknown> = {}) => Type.Unsafe<number | null>({ ...options, type: ['number', 'null'] });
export const NullableBoolean = (options: Record<string, unknown> = {}) => Type.Unsafe<boolean | null>({ ...options, type: ['boolean', 'null'] });
/** Any JSON object, kept as it is. */
export const OpenObject = (options: Record<string, unknown> = {}) => Type.Unsafe<Record<string, unknown>>({ ...options, type: 'object', additionalProperties: true });
