/**
 * Fetches a release package to a local file, hashing it while it streams so the
 * digest describes exactly the bytes on disk. http(s) goes through fetch, file:// is
 * read from the filesystem. Expected failures come back as data with a reason code.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

export type DownloadResult = { ok: true; sha256: string; bytes: number } | { ok: false; code: 'download_failed'; message: string };

/** Longest a whole download may take before it counts as failed. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

/** Streams `url` into `dest` (created or truncated) and returns its sha256 as lowercase hex. */
export async function downloadPackage(url: string, dest: string): Promise<DownloadResult> {
  let source: Readable;
  try {
    const opened = await openSource(url);
    if (!opened.ok) return opened;
    source = opened.stream;
  } catch (err) {
    return { ok: false, code: 'download_failed', message: `cannot fetch ${url}: ${describe(err)}` };
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, hasher, createWriteStream(dest));
  } catch (err) {
    return { ok: false, code: 'download_failed', message: `download of ${url} broke off after ${bytes} bytes: ${describe(err)}` };
  }
  return { ok: true, sha256: hash.digest('hex'), bytes };
}

type Opened = { ok: true; stream: Readable } | { ok: false; code: 'download_failed'; message: string };

async function openSource(url: string): Promise<Opened> {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') return { ok: true, stream: createReadStream(fileURLToPath(parsed)) };
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, code: 'download_failed', message: `cannot fetch ${url}: unsupported scheme ${parsed.protocol}` };
  }
  const res = await fetch(parsed, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  if (!res.ok || res.body === null) {
    await res.body?.cancel();
    return { ok: false, code: 'download_failed', message: `cannot fetch ${url}: HTTP ${res.status} ${res.statusText}`.trim() };
  }
  return { ok: true, stream: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) };
}

/** errno codes (ENOENT, ECONNREFUSED) say more than messages; fetch hides them in `cause`. */
function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
