/**
 * Unpacks a verified package into an empty directory in one streaming pass, with memory
 * bounded whatever the package holds, judging every entry before it is written.
 *
 * Why not `tar.x({ file })`: tar reads the file in 16 MB chunks (a small file whole) and
 * gunzips each chunk synchronously in one go, so memory grows with chunk × compression
 * ratio: 2 MB of gzip'd zeros became 2 GiB in memory before a byte was written. Here
 * node's streaming gunzip hands tar 16 KB at a time and waits for tar to drain, so at most
 * a few chunks are in flight.
 *
 * Each entry header passes the `filter` before its body is read: it is counted against
 * `maxEntries`, its declared size against `maxUnpackedBytes` (tar writes exactly the
 * declared size, so the count is exact and nothing past the limit is written), judged by
 * `ArchiveJudge`, and its mode loses setuid, setgid, sticky and group/other write bits.
 * The first refusal stops the feed; the caller deletes the directory. Every tar warning
 * is a failure too (what `strict` would do), but it is recorded instead of thrown, so this
 * still waits for tar's file writes in progress to end and nothing is written afterwards.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar';
import { ArchiveJudge } from './archive-safety.js';
import type { InstallLimits } from './install-limits.js';

export type UnpackFailureCode = 'unsafe_archive' | 'unpacked_too_large' | 'too_many_entries' | 'unpack_failed';
export type UnpackResult = { ok: true; entries: number; bytes: number } | { ok: false; code: UnpackFailureCode; message: string };

/** Mode bits an installed file or directory may keep: no setuid/setgid/sticky, no group/other write. */
const INSTALLED_MODE_MASK = 0o755;
/** Headers, pax records and padding per entry, beyond its content, allowed in the tar stream. */
const STREAM_OVERHEAD_PER_ENTRY = 4096;
const STREAM_OVERHEAD_SLACK = 1024 * 1024;

type Failure = Extract<UnpackResult, { ok: false }>;

/** Unpacks the gzip'd tar `archive` into the existing empty directory `dest`; see the module comment. */
export async function unpackPackage(archive: string, dest: string, limits: Pick<InstallLimits, 'maxUnpackedBytes' | 'maxEntries'>): Promise<UnpackResult> {
  const judge = new ArchiveJudge();
  let failure: Failure | null = null;
  const fail = (code: UnpackFailureCode, message: string): false => {
    failure ??= { ok: false, code, message };
    return false;
  };
  let entries = 0;
  let declared = 0;
  const refused = new WeakSet<object>();
  const unpack = new tar.Unpack({
    cwd: dest,
    strict: false,
    preserveOwner: false,
    brotli: false,
    zstd: false,
    filter: (_path, e) => {
      const entry = e as tar.ReadEntry;
      const keep = failure === null && admit(entry);
      if (!keep) refused.add(entry);
      return keep;
    },
  });
  function admit(entry: tar.ReadEntry): boolean {
    entries += 1;
    declared += entry.size ?? 0;
    if (entries > limits.maxEntries) return fail('too_many_entries', `the package has more than ${limits.maxEntries} entries (FERRY_MAX_PACKAGE_ENTRIES)`);
    if (declared > limits.maxUnpackedBytes) return fail('unpacked_too_large', `the package unpacks to more than ${limits.maxUnpackedBytes} bytes (FERRY_MAX_UNPACKED_BYTES)`);
    const problem = judge.judge({ path: entry.path, type: entry.type, linkpath: entry.linkpath ?? null });
    if (problem !== null) return fail('unsafe_archive', problem);
    if (typeof entry.mode === 'number') entry.mode &= INSTALLED_MODE_MASK;
    return true;
  }
  // Entries tar skips without asking the filter are of types it does not know: refused too.
  unpack.on('ignoredEntry', (entry: tar.ReadEntry) => {
    if (!refused.has(entry)) fail('unsafe_archive', `${JSON.stringify(entry.path)}: entry type ${entry.type} is not allowed`);
  });
  unpack.on('warn', (code: string, message: string) => fail('unpack_failed', `${code}: ${message}`));
  unpack.on('error', (err: Error) => fail('unpack_failed', err.message));
  // 'end' comes once every write tar started has finished; 'abort' ends it without one.
  const finished = new Promise<void>((resolve) => {
    unpack.on('end', () => resolve());
    unpack.on('abort', () => resolve());
  });

  const streamLimit = limits.maxUnpackedBytes + limits.maxEntries * STREAM_OVERHEAD_PER_ENTRY + STREAM_OVERHEAD_SLACK;
  let streamed = 0;
  try {
    await pipeline(createReadStream(archive), createGunzip(), async (tarStream: AsyncIterable<Buffer>) => {
      for await (const chunk of tarStream) {
        if (streamed === 0 && looksCompressed(chunk)) fail('unpack_failed', 'the package is compressed twice; it must be a tar.gz');
        streamed += chunk.length;
        if (streamed > streamLimit) fail('unpacked_too_large', `the package's tar stream is longer than ${streamLimit} bytes`);
        if (failure !== null) return;
        if (!unpack.write(chunk)) await Promise.race([new Promise((resolve) => unpack.once('drain', resolve)), finished]);
      }
    });
  } catch (err) {
    fail('unpack_failed', `not a readable tar.gz: ${(err as Error).message}`);
  }
  unpack.end();
  await finished;
  return failure ?? { ok: true, entries, bytes: declared };
}

/** A gzip or zstd header where a tar header should be: tar would unpack it again, unbounded. */
function looksCompressed(chunk: Buffer): boolean {
  return (chunk[0] === 0x1f && chunk[1] === 0x8b) || (chunk[0] === 0x28 && chunk[1] === 0xb5 && chunk[2] === 0x2f && chunk[3] === 0xfd);
}
