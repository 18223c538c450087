import { describe, expect, it } from 'vitest';
import { CLEAR_LINE, frameText, ProgressDisplay, type ProgressStream } from './progress-display.js';

describe('frameText', () => {
  it.each<[string, string | null, string[], string | null, number | undefined, string]>([
    ['first bar', null, [], 'B1', undefined, 'B1'],
    ['lines then the first bar', null, ['a', 'b'], 'B1', undefined, 'a\nb\nB1'],
    ['lines scroll above a kept bar', 'B1', ['c'], 'B1', undefined, `${CLEAR_LINE}c\nB1`],
    ['a new bar replaces the old', 'B1', [], 'B2', undefined, `${CLEAR_LINE}B2`],
    ['nothing changed writes nothing', 'B1', [], 'B1', undefined, ''],
    ['removing the bar erases it', 'B1', [], null, undefined, CLEAR_LINE],
    ['the last lines without a bar', 'B1', ['done'], null, undefined, `${CLEAR_LINE}done\n`],
    ['plain lines only (no terminal)', null, ['a'], null, undefined, 'a\n'],
    ['a bar wider than the terminal is cut', null, [], '0123456789', 8, '0123456'],
    ['a cut bar equal to the shown one writes nothing', '0123456', [], '0123456789', 8, ''],
  ])('%s', (_name, shown, lines, next, columns, expected) => {
    expect(frameText(shown, lines, next, columns)).toBe(expected);
  });
});

/** A stream that keeps what was written, as a terminal or a pipe would receive it. */
function collectingStream(isTTY: boolean): ProgressStream & { text: string } {
  return {
    text: '',
    isTTY,
    columns: 80,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

describe('ProgressDisplay', () => {
  it('on a terminal, redraws one bar under the plain lines and erases it at the end', () => {
    const stream = collectingStream(true);
    const display = new ProgressDisplay(stream);
    display.update(['deployment dep-1  running'], '[--] 0/2');
    display.update([], '[--] 0/2');
    display.update(['  a  pending  →  deploying  1.0'], '[--] 0/2  1 in flight');
    display.line('  (server reachable again)');
    display.close();
    expect(stream.text).toBe(
      'deployment dep-1  running\n[--] 0/2' +
        `${CLEAR_LINE}  a  pending  →  deploying  1.0\n[--] 0/2  1 in flight` +
        `${CLEAR_LINE}  (server reachable again)\n[--] 0/2  1 in flight` +
        CLEAR_LINE,
    );
  });

  it('elsewhere, writes the plain lines only, with no escape codes', () => {
    const stream = collectingStream(false);
    const display = new ProgressDisplay(stream);
    display.update(['deployment dep-1  running'], '[--] 0/2');
    display.update([], '[#-] 1/2');
    display.line('  (server reachable again)');
    display.close();
    expect(stream.text).toBe('deployment dep-1  running\n  (server reachable again)\n');
  });
});
