/** A keyset position inside one read of the graph: what a nextLink token carries. */
export type Cursor = Record<string, string | number>;

/** A row and the position right after it: a page that ends on it continues from there. */
export interface Positioned<T> {
  row: T;
  at: Cursor;
}

/** The graph's row sources: the direct reads page them, the exports stream them whole. */
export type RowSource<T> = (after: Cursor | undefined, batch: number) => AsyncGenerator<Positioned<T>>;

/**
 * One page of a row source: `size` rows, and where the next page starts when one more row
 * exists. The probe row is read in the same batch, so the answer is exact at that moment.
 */
export async function takePage<T>(source: RowSource<T>, after: Cursor | undefined, size: number): Promise<{ rows: T[]; next?: Cursor }> {
  const rows: T[] = [];
  let last: Cursor | undefined;
  for await (const { row, at } of source(after, size + 1)) {
    if (rows.length === size) return { rows, next: last! };
    rows.push(row);
    last = at;
  }
  return { rows };
}

/** Every row of a source, batch by batch: what an export writes. */
export async function* allRows<T>(source: RowSource<T>, batch = 1000): AsyncGenerator<T> {
  for await (const { row } of source(undefined, batch)) yield row;
}
