// What reaches PostgreSQL through Prisma must be storable: text without NUL characters
// (PostgreSQL refuses them) and without unpaired UTF-16 surrogates (Prisma cannot serialise
// them). Input is checked against these before it gets there, so it is refused with a reason
// instead of failing as a server error.

// An unpaired high or low surrogate (JS regexps without the u flag work on UTF-16 code units).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(value: string): boolean {
  return !value.includes("\0") && !LONE_SURROGATE.test(value);
}

export const UNSTORABLE_TEXT = "must not contain NUL characters or broken Unicode";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can name a row: ids are UUIDs, so anything else names nothing. */
export function isRowId(id: unknown): id is string {
  return typeof id === "string" && UUID.test(id);
}
