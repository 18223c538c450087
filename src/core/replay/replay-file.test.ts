import { describe, expect, it } from 'vitest';
import { parseReplayFile, REPLAY_LIMITS } from './replay-file.js';

describe('parseReplayFile', () => {
  it.each([
    ['two requests with a blank line between', '{"method":"GET","path":"/a"}\n\n{"method":"POST","path":"/b","body":{"x":1},"headers":{"x-k":"v"}}\n', 2],
    ['trailing whitespace lines', '{"method":"GET","path":"/a"}\n   \n', 1],
  ])('accepts %s', (_name, text, count) => {
    const parsed = parseReplayFile(text);
    expect(parsed.ok && parsed.requests.length).toBe(count);
  });

  it.each([
    ['a line that is not JSON', '{"method":"GET","path":"/a"}\nnot json', 2, 'line 2 is not JSON'],
    ['a missing path', '\n{"method":"GET"}', 2, 'line 2: "path"'],
    ['a missing method', '{"path":"/a"}', 1, 'line 1: "method"'],
    ['a lower-case method', '{"method":"get","path":"/a"}', 1, '"method"'],
    ['a path without a slash', '{"method":"GET","path":"a"}', 1, '"path"'],
    ['an array line', '[1]', 1, 'JSON object'],
    ['a header that is not a string', '{"method":"GET","path":"/a","headers":{"x":1}}', 1, 'header "x"'],
  ])('refuses %s, naming the line', (_name, text, line, message) => {
    const parsed = parseReplayFile(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.line).toBe(line);
    expect(parsed.message).toContain(message);
  });

  it('refuses an empty file and one past the request limit', () => {
    expect(parseReplayFile('\n\n')).toMatchObject({ ok: false, line: null });
    const many = Array.from({ length: REPLAY_LIMITS.maxRequests + 1 }, () => '{"method":"GET","path":"/"}').join('\n');
    expect(parseReplayFile(many)).toMatchObject({ ok: false, line: REPLAY_LIMITS.maxRequests + 1 });
  });
});
