/**
 * `logs/instance.log`: every process of an instance appends to the same file, so each
 * start is preceded by a marker line the agent writes itself, and readers can tell one
 * process's output from an earlier one's. Reads are bounded: only the end of the file
 * is ever read, however large it has grown.
 *
 *   --- ferry: starting instance hello-a-7001 version 2.0.0 at 2026-01-01T00:00:00.000Z ---
 *
 * The marker is written before the spawn, not after, so no byte of the new process can
 * land before it; that is why it names no pid (the pid is in `pid.json`).
 */
import { open } from 'node:fs/promises';
import { writeSync } from 'node:fs';

const MARKER_PREFIX = '--- ferry: starting ';

/** The most of a log read to find a crashed process's last lines (64 KiB). */
export const CRASH_TAIL_BYTES = 64 * 1024;

export function startMarker(instanceId: string, version: string, at: number): string {
  return `${MARKER_PREFIX}instance ${instanceId} version ${version} at ${new Date(at).toISOString()} ---`;
}

function isStartMarker(line: string): boolean {
  return line.startsWith(MARKER_PREFIX);
}

/** Appends the marker to an open log descriptor (synchronously: it must precede the spawn). */
export function writeStartMarker(fd: number, instanceId: string, version: string, at: number): void {
  writeSync(fd, `${startMarker(instanceId, version, at)}\n`);
}

/**
 * The lines the latest process wrote: those after the last marker. Without a marker in
 * `lines` (an older agent's log, or output longer than the window read) all are its own.
 *   ['a', M1, 'b', M2, 'c'] -> ['c']      ['a', 'b'] -> ['a', 'b']      ['a', M1] -> []
 */
export function linesOfLatestProcess(lines: string[]): string[] {
  for (let i = lines.length - 1; i >= 0; i -= 1) if (isStartMarker(lines[i]!)) return lines.slice(i + 1);
  return lines;
}

/** A bounded piece of the end of a log: whole lines only, and where the file ended. */
export interface LogWindow {
  lines: string[];
  /** The file's size when read: where a follower continues (`after`). */
  end: number;
  /** True when the window began after the file's start (older lines were left out). */
  truncated: boolean;
}

/**
 * The last `maxLines` whole lines within the last `maxBytes` of the file, or, with `after`,
 * the whole lines written from that byte offset on (at most `maxBytes`; `end` then says how
 * far was read, so the next read continues there). An offset past the end (the log was
 * rotated) starts again from the beginning. A missing file is an empty log. Line counts
 * bound both: a tail keeps the last `maxLines`, a forward read the first.
 */
export async function readLogWindow(file: string, opts: { maxLines: number; maxBytes: number; after?: number }): Promise<LogWindow> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return { lines: [], end: 0, truncated: false };
  }
  try {
    const { size } = await handle.stat();
    if (opts.after !== undefined) return await readForward(handle, size, opts.after > size ? 0 : opts.after, opts.maxBytes, opts.maxLines);
    const start = Math.max(0, size - opts.maxBytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    let lines = splitLines(buffer.toString('utf8'));
    // A window that starts mid-file starts mid-line: drop that partial line.
    if (start > 0) lines = lines.slice(1);
    const kept = lines.slice(-opts.maxLines);
    return { lines: kept, end: size, truncated: start > 0 || kept.length < lines.length };
  } finally {
    await handle.close();
  }
}

async function readForward(handle: Awaited<ReturnType<typeof open>>, size: number, from: number, maxBytes: number, maxLines: number): Promise<LogWindow> {
  const length = Math.min(size - from, maxBytes);
  const buffer = Buffer.alloc(length);
  await handle.read(buffer, 0, length, from);
  // Stop at the last newline so a line being written is read whole next time.
  const lastNewline = buffer.lastIndexOf(0x0a);
  if (lastNewline < 0) return { lines: [], end: length === maxBytes ? from + length : from, truncated: length === maxBytes };
  const lines = splitLines(buffer.subarray(0, lastNewline + 1).toString('utf8'));
  if (lines.length <= maxLines) return { lines, end: from + lastNewline + 1, truncated: from + length < size };
  // Too many lines: keep the earliest, and continue right after them next time.
  const kept = lines.slice(0, maxLines);
  return { lines: kept, end: from + Buffer.byteLength(`${kept.join('\n')}\n`), truncated: true };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The crashed process's own last lines, joined for a one-line reason (instance-probe.ts). */
export async function crashTail(file: string, lines: number): Promise<string> {
  const window = await readLogWindow(file, { maxLines: Number.MAX_SAFE_INTEGER, maxBytes: CRASH_TAIL_BYTES });
  return linesOfLatestProcess(window.lines).slice(-lines).join(' | ');
}
