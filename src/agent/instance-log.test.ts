import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_TAIL_BYTES, crashTail, linesOfLatestProcess, readLogWindow, startMarker } from './instance-log.js';

const M1 = startMarker('a', '1.0', 0);
const M2 = startMarker('a', '2.0', 1000);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-instance-log-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('linesOfLatestProcess', () => {
  it.each<[string, string[], string[]]>([
    ['only the lines after the last marker', ['a', M1, 'b', M2, 'c'], ['c']],
    ['no marker: every line is its own', ['a', 'b'], ['a', 'b']],
    ['a process that printed nothing', ['a', M1], []],
  ])('%s', (_name, lines, expected) => {
    expect(linesOfLatestProcess(lines)).toEqual(expected);
  });
});

describe('crashTail', () => {
  it('quotes the crashed process, not what an earlier process wrote to the same file', async () => {
    const file = path.join(dir, 'two-processes.log');
    await writeFile(file, `${M1}\nlistening on 7001\nold process line\n${M2}\nError: cannot find module x\n`);
    expect(await crashTail(file, 5)).toBe('Error: cannot find module x');
  });

  it('reads at most the last 64 KiB of a large log', async () => {
    const file = path.join(dir, 'large.log');
    await writeFile(file, `${M1}\n${'x'.repeat(80)}\n`.repeat(2000));
    await appendFile(file, `${M2}\n${'y'.repeat(CRASH_TAIL_BYTES)}\nthe end\n`);
    expect(await crashTail(file, 1)).toBe('the end');
    expect(await crashTail(path.join(dir, 'missing.log'), 5)).toBe('');
  });
});

describe('readLogWindow', () => {
  it('tails whole lines and follows from an offset', async () => {
    const file = path.join(dir, 'follow.log');
    await writeFile(file, 'one\ntwo\nthree\n');
    const tail = await readLogWindow(file, { maxLines: 2, maxBytes: 1024 });
    expect(tail).toEqual({ lines: ['two', 'three'], end: 14, truncated: true });
    await appendFile(file, 'four\nfiv');
    const next = await readLogWindow(file, { maxLines: 100, maxBytes: 1024, after: tail.end });
    expect(next).toEqual({ lines: ['four'], end: 19, truncated: false });
    const rotated = await readLogWindow(file, { maxLines: 100, maxBytes: 1024, after: 10_000 });
    expect(rotated.lines[0]).toBe('one');
    const firstTwo = await readLogWindow(file, { maxLines: 2, maxBytes: 1024, after: 0 });
    expect(firstTwo).toEqual({ lines: ['one', 'two'], end: 8, truncated: true });
  });
});
