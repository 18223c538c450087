/**
 * RFC 6901 JSON pointers, the way a smoke step names a field of an answer: `/id`,
 * `/results/0/name`, `/a~1b` for the key `a/b`, `/m~0n` for `m~n`; `""` is the whole document.
 */

/** `~` must be followed by 0 or 1; every token starts with `/`. */
const POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

export function isJsonPointer(text: string): boolean {
  return POINTER.test(text);
}

/** The pointer's reference tokens, unescaped (`~1` → `/` before `~0` → `~`, as the RFC orders it). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export type PointerLookup = { found: true; value: unknown } | { found: false };

/** What `pointer` points at in `document`; a pointer that is not valid finds nothing. */
export function resolvePointer(document: unknown, pointer: string): PointerLookup {
  if (!isJsonPointer(pointer)) return { found: false };
  let current = document;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(token) || Number(token) >= current.length) return { found: false };
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}
