/**
 * A JSON value as its leaves by JSON pointer (RFC 6901), so two bodies compare field by
 * field and a difference names exactly where it is. An empty object or array is a leaf
 * of its own, so `{"a":[]}` and `{"a":{}}` and `{}` all differ.
 *
 *   {"a":{"b":1},"c":[true]} -> "/a/b" 1, "/c/0" true
 *   5                          -> "" 5
 */
export function flattenJson(value: unknown): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  walk(value, '', leaves);
  return leaves;
}

function walk(value: unknown, pointer: string, leaves: Map<string, unknown>): void {
  if (typeof value !== 'object' || value === null) {
    leaves.set(pointer, value);
    return;
  }
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  if (entries.length === 0) {
    leaves.set(pointer, Array.isArray(value) ? [] : {});
    return;
  }
  for (const [key, child] of entries) walk(child, `${pointer}/${escapeToken(key)}`, leaves);
}

function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** True when `pointer` is one of `ignore` or lies under one (`/a` ignores `/a/b`, not `/ab`); `""` ignores everything. */
export function isIgnored(pointer: string, ignore: string[]): boolean {
  return ignore.some((p) => p === '' || pointer === p || pointer.startsWith(`${p}/`));
}
