/**
 * Writes a small file so that readers (including an agent restarted after a crash) see
 * either the old content or the new, never a torn write: write a sibling, then rename.
 *
 * The agent's small files (state.json, pid.json, the `current` link) are written with
 * synchronous calls on purpose: each takes microseconds on a local disk, while each
 * asynchronous call waits for a turn of an event loop that, during a rollout, is busy
 * probing the instances starting meanwhile. These writes are on a batch's critical path.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Reads and parses a JSON file; null when it is missing or unreadable as JSON. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}
