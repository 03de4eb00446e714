import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** Stands in for a value while a template is built; each execution binds the call's value in its place. */
class Slot {
  constructor(readonly name: string) {}
}

type Executor = Pick<Kysely<never>, 'executeQuery'>;

/**
 * A query of fixed shape whose values change from call to call, built and compiled by Kysely
 * once. On hot reads, building and compiling cost more than the indexed read itself (a profile
 * of the token endpoint showed Kysely's builder at 14 % of its CPU); a compiled template only
 * binds values, and the SQL text stays the same, so the prepared statement is reused too.
 *
 * A template's values may only be bound parameters: anything that changes the SQL (how many
 * items an `in` list holds, whether a condition is present) belongs to the template's shape —
 * make one template per shape (see TemplateCache).
 */
export function queryTemplate<V extends Record<string, unknown>, R>(
  db: Executor,
  names: readonly (keyof V & string)[],
  build: (values: V) => Compilable<R>,
): (values: V) => Promise<R[]> {
  const slots = Object.fromEntries(names.map((name) => [name, new Slot(name)])) as unknown as V;
  const compiled: CompiledQuery<R> = build(slots).compile();
  const bound = compiled.parameters.map((parameter) => (parameter instanceof Slot ? parameter.name : undefined));
  const unused = names.filter((name) => !bound.includes(name));
  // A value the builder computed with (rather than passed through) would be silently lost.
  if (unused.length > 0) throw new Error(`query template never binds ${unused.join(', ')}: compute with values before building, not inside`);
  return async (values) => {
    const parameters = compiled.parameters.map((fixed, index) => {
      const name = bound[index];
      return name === undefined ? fixed : values[name];
    });
    const result = await db.executeQuery<R>({ ...compiled, parameters });
    return result.rows;
  };
}

/** Templates of one query by shape, made on first use: a query whose shape varies with its filter. */
export class TemplateCache<V extends Record<string, unknown>, R> {
  private readonly templates = new Map<string, (values: V) => Promise<R[]>>();

  constructor(private readonly make: (shape: string) => (values: V) => Promise<R[]>) {}

  run(shape: string, values: V): Promise<R[]> {
    let template = this.templates.get(shape);
    if (!template) {
      template = this.make(shape);
      // Shapes come from a bounded set of filter combinations; the cap only guards against a bug.
      if (this.templates.size >= 1000) this.templates.clear();
      this.templates.set(shape, template);
    }
    return template(values);
  }
}
