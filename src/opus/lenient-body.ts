import type { FastifyRequest } from 'fastify';

/**
 * Real clients send `conflictOption`, `ConflictOption` and, from before the docs fixed the
 * spelling, `confilictOption`; generated .NET clients send `DisposalIds`. This maps the
 * top-level keys of a JSON body onto the names the route's schema uses (and an enum value
 * onto its documented spelling) before validation, so the schema stays the one definition.
 */
export function canonicalBody(options: { names: readonly string[]; aliases?: Record<string, string>; enums?: Record<string, readonly string[]> }) {
  const byLower = new Map(options.names.map((name) => [name.toLowerCase(), name]));
  for (const [alias, name] of Object.entries(options.aliases ?? {})) byLower.set(alias.toLowerCase(), name);
  return async (request: FastifyRequest) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      const name = byLower.get(key.toLowerCase()) ?? key;
      // The documented spelling wins over an alias or another case of it.
      if (name in result && key !== name) continue;
      result[name] = value;
    }
    for (const [name, allowed] of Object.entries(options.enums ?? {})) {
      const value = result[name];
      if (typeof value !== 'string') continue;
      const match = allowed.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
      if (match) result[name] = match;
    }
    request.body = result;
  };
}
