/**
 * What a URL, an email or a login name is matched on. Path parameters arrive encoded once
 * (a site URL as `https%3A%2F%2F…`) or twice (a guest's `#ext#@` as `%2523ext%2523%2540`, since a
 * bare `#` would end the path); object URLs may carry their own `%20`. Decoding until nothing
 * changes, then lower-casing (SharePoint URLs and email addresses are case-insensitive) and
 * dropping a trailing slash, gives every spelling of the same value one key.
 */
export const matchKey = (value: string): string =>
  fullyDecoded(value.trim())
    .toLowerCase()
    .replace(/\/+$/, '');

/** A value decoded as often as it was encoded, case kept. */
export function fullyDecoded(value: string): string {
  let current = value;
  for (let round = 0; round < 4 && /%[0-9a-f]{2}/i.test(current); round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      break;
    }
    if (decoded === current) break;
    current = decoded;
  }
  return current;
}
