/** Tagged processes on real processes: found by their environment wherever they moved, and killed. */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../local-fleet/poll-until.js';
import { identify } from './process-liveness.js';
import { environHasTag, findTaggedProcesses, killTaggedProcesses, newProcessTag, withTag, type ProcessTag } from './tagged-processes.js';

const tags: ProcessTag[] = [];
// Whatever a failed test left behind, wherever it moved.
afterAll(() => {
  for (const tag of tags) killTaggedProcesses(tag);
});

const freshTag = () => {
  const tag = newProcessTag('FERRY_TEST_RUN');
  tags.push(tag);
  return tag;
};

/** Starts argv detached with `env`, and returns its pid. */
function start(argv: [string, ...string[]], env: Record<string, string>): number {
  const child = spawn(argv[0], argv.slice(1), { env: { PATH: process.env.PATH!, ...env }, detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

const byNumber = (a: number, b: number) => a - b;
const tagged = (tag: ProcessTag, count: number) =>
  pollUntil(`${count} processes tagged ${tag.value}`, async () => {
    const pids = findTaggedProcesses(tag);
    return pids.length === count ? pids : undefined;
  });

describe('environHasTag', () => {
  const tag: ProcessTag = { name: 'FERRY_RUN', value: 'ab12' };
  it.each([
    ['FERRY_RUN=ab12\0A=1\0', true],
    ['A=1\0FERRY_RUN=ab12\0', true],
    ['A=1\0FERRY_RUN=ab123\0', false],
    ['A=1\0FERRY_RUN=ab1\0', false],
    ['X_FERRY_RUN=ab12\0', false],
    ['A=FERRY_RUN=ab12\0', false],
    ['', false],
  ])('%j carries FERRY_RUN=ab12: %s', (environ, expected) => {
    expect(environHasTag(Buffer.from(environ), tag)).toBe(expected);
  });
});

describe('withTag', () => {
  it('puts the tag first and replaces a variable of that name', () => {
    const env = withTag({ PATH: '/bin', FERRY_RUN: 'forged' }, { name: 'FERRY_RUN', value: 'ab12' });
    expect(Object.entries(env)).toEqual([
      ['FERRY_RUN', 'ab12'],
      ['PATH', '/bin'],
    ]);
  });
});

describe('findTaggedProcesses and killTaggedProcesses', () => {
  it('finds the processes a tagged command started, those that left its group included, and only them', async () => {
    const tag = freshTag();
    const other = freshTag();
    // The setsid'd sleep runs in a session and group of its own; the other stays in the shell's group.
    start(['sh', '-c', 'setsid sleep 1000.71 & sleep 1000.72 & wait'], withTag({}, tag));
    const untagged = start(['sleep', '1000.73'], withTag({}, other));
    const pids = await tagged(tag, 3); // sh, sleep 1000.71 (setsid execs it), sleep 1000.72
    expect(pids).not.toContain(untagged);
    expect(findTaggedProcesses(other)).toEqual([untagged]);

    const killed = killTaggedProcesses(tag);
    expect(killed.sort(byNumber)).toEqual(pids.sort(byNumber));
    await pollUntil('the tagged processes gone', async () => pids.every((pid) => identify(pid) === null) || undefined);
    expect(findTaggedProcesses(tag)).toEqual([]);
    // The other run's process is untouched.
    expect(identify(untagged)).not.toBeNull();
    expect(killTaggedProcesses(other)).toEqual([untagged]);
  });

  it('kills the children a tagged process forks while it is being killed', async () => {
    const tag = freshTag();
    // A loop that keeps forking short-lived children: a single scan-and-kill could miss one.
    const pid = start(['sh', '-c', 'while :; do setsid sleep 1000.74 & sleep 0.01; done'], withTag({}, tag));
    await pollUntil('forked children', async () => findTaggedProcesses(tag).length > 3 || undefined);
    killTaggedProcesses(tag);
    await pollUntil('every tagged process gone', async () => (identify(pid) === null && findTaggedProcesses(tag).length === 0) || undefined);
  });

  it('finds nothing for a tag no process carries', () => {
    expect(findTaggedProcesses(freshTag())).toEqual([]);
    expect(killTaggedProcesses(freshTag())).toEqual([]);
  });
});
