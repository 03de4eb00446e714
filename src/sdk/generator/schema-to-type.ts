/** A JSON Schema (as TypeBox writes it) as a TypeScript type expression. */
export function schemaToType(schema: unknown, indent = ''): string {
  if (!schema || typeof schema !== 'object') return 'unknown';
  const s = schema as Record<string, unknown>;
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((value) => JSON.stringify(value)).join(' | ');
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[key])) return unique((s[key] as unknown[]).map((member) => wrap(schemaToType(member, indent)))).join(' | ');
  }
  if (Array.isArray(s.allOf)) return (s.allOf as unknown[]).map((member) => wrap(schemaToType(member, indent))).join(' & ');
  if (Array.isArray(s.type)) return unique(s.type.map((type) => schemaToType({ ...s, type }, indent))).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${schemaToType(s.items, indent)}>`;
    case 'object':
      return objectType(s, indent);
    default:
      return s.properties ? objectType(s, indent) : 'unknown';
  }
}

function objectType(s: Record<string, unknown>, indent: string): string {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set((s.required ?? []) as string[]);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(([name, property]) => {
    const description = (property as { description?: string }).description;
    const doc = description ? `${inner}/** ${description.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ')} */\n` : '';
    return `${doc}${inner}${/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${schemaToType(property, inner)};`;
  });
  const open = s.patternProperties || (s.additionalProperties !== undefined && s.additionalProperties !== false);
  if (open) lines.push(`${inner}[key: string]: unknown;`);
  if (lines.length === 0) return 'Record<string, unknown>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}

const wrap = (type: string) => (/^[\w$<>[\]".]+$/.test(type) || type.startsWith('{') || type.startsWith('Array<') ? type : `(${type})`);
const unique = (types: string[]) => [...new Set(types)];
