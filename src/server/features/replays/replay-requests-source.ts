/**
 * Where a service's recorded requests come from: inline in the spec, or a JSONL file the
 * server reads (bounded by REPLAY_LIMITS). The same check runs at `PUT` of the service,
 * so a bad file is refused with 400 `bad_replay_file` naming the line before it is stored,
 * and again when a replay starts (the file may have changed since).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError, UnprocessableError } from '../../../core/errors.js';
import { checkReplayRequest, parseReplayFile, REPLAY_LIMITS, type ReplayFileResult } from '../../../core/replay/replay-file.js';
import type { ReplayRequest, ReplaySpec } from '../../../core/types.js';

/** The requests of `spec`, or a failure naming the file and line. */
export async function readReplayRequests(spec: ReplaySpec): Promise<ReplayFileResult & { file: string | null }> {
  if (typeof spec.requests !== 'string') {
    for (let i = 0; i < spec.requests.length; i += 1) {
      const checked = checkReplayRequest(spec.requests[i]);
      if (!checked.ok) return { ok: false, line: i + 1, message: `request ${i + 1}: ${checked.message}`, file: null };
    }
    return { ok: true, requests: spec.requests, file: null };
  }
  const file = spec.requests;
  const text = await readBounded(file);
  if (text === null) return { ok: false, line: null, message: `cannot read the replay file ${file}: it is missing, not a regular file, or larger than ${REPLAY_LIMITS.maxFileBytes} bytes`, file };
  return { ...parseReplayFile(text), file };
}

/** Throws 400 `bad_replay_file` when the spec's requests cannot be replayed (the service `PUT`). */
export async function assertReplayFileReadable(spec: ReplaySpec | null | undefined): Promise<void> {
  if (spec === null || spec === undefined) return;
  const read = await readReplayRequests(spec);
  if (!read.ok) throw new InputError('bad_replay_file', `replay.requests: ${read.message}`, { file: read.file, line: read.line });
}

/** Like readReplayRequests, for a replay about to start: a bad file now is 422 `bad_replay_file`. */
export async function requireReplayRequests(spec: ReplaySpec): Promise<ReplayRequest[]> {
  const read = await readReplayRequests(spec);
  if (!read.ok) throw new UnprocessableError('bad_replay_file', `replay.requests: ${read.message}`, { file: read.file, line: read.line });
  return read.requests;
}

/**
 * The file's text when it is a regular file of at most the limit; never reads past the
 * limit. Opened non-blocking and checked on the opened handle, so a FIFO (or a device)
 * is refused at once instead of blocking the request forever, and a path swapped after a
 * check cannot slip one in.
 */
async function readBounded(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    if (!(await handle.stat()).isFile()) return null;
    const buffer = Buffer.alloc(REPLAY_LIMITS.maxFileBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > REPLAY_LIMITS.maxFileBytes) return null;
    }
    return buffer.subarray(0, length).toString('utf8');
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
