/**
 * Reads server-sent events back out of the bytes of a stream (the WHATWG "event stream"
 * format, as far as Ferry's audit stream uses it): `id:`, `data:` and `retry:` fields,
 * comments (`:`, the heartbeats) and a blank line ending each event. Hand-written rather
 * than a library so that one line can be bounded: a server (or something in between) that
 * never sends a newline cannot make the CLI buffer without end.
 *
 *   push('id: 7\ndata: {"a":1}\n\n') → [{ kind: 'event', id: '7', data: '{"a":1}' }]
 *   push(': heartbeat\n\n')          → [{ kind: 'comment' }]
 *   push('retry: 2000\n\n')          → [{ kind: 'retry', ms: 2000 }]
 */

export type StreamItem = { kind: 'event'; id: string | null; data: string } | { kind: 'comment' } | { kind: 'retry'; ms: number };

export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
}

export class EventStreamParser {
  #partial = '';
  #id: string | null = null;
  #data: string[] = [];

  constructor(private readonly maxLineChars = 1024 * 1024) {}

  /** Feeds the next chunk; returns what it completed. Throws LineTooLongError past the bound. */
  push(chunk: string): StreamItem[] {
    const items: StreamItem[] = [];
    const lines = (this.#partial + chunk).split(/\r\n|\n|\r/);
    this.#partial = lines.pop() ?? '';
    if (this.#partial.length > this.maxLineChars) throw new LineTooLongError(`a stream line longer than ${this.maxLineChars} characters`);
    for (const line of lines) this.#line(line, items);
    return items;
  }

  #line(line: string, items: StreamItem[]): void {
    if (line === '') {
      if (this.#data.length > 0) items.push({ kind: 'event', id: this.#id, data: this.#data.join('\n') });
      this.#data = [];
      this.#id = null;
      return;
    }
    if (line.startsWith(':')) return void items.push({ kind: 'comment' });
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.#data.push(value);
    else if (field === 'id') this.#id = value;
    else if (field === 'retry' && /^[0-9]+$/.test(value)) items.push({ kind: 'retry', ms: Number(value) });
  }
}
