/**
 * Fetches a release package to a local file, hashing it while it streams so the
 * digest describes exactly the bytes on disk, and counting them so no more than
 * `maxPackageBytes` is ever written: a declared size over the limit is refused before the
 * body is read (`package-source.ts`), and a body that runs past it is cut off at the limit
 * (a file that grows, a server that lies or sends no Content-Length). A download ends
 * early on its timeouts and when `signal` aborts (its goal was withdrawn); in every
 * failure the partial file is deleted. Expected failures come back as data with a code.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, DownloadRefusal, openPackageSource, type DownloadFailureCode, type SourceOptions } from './package-source.js';

export type { DownloadFailureCode } from './package-source.js';

export type DownloadResult = { ok: true; sha256: string; bytes: number } | { ok: false; code: DownloadFailureCode; message: string };

export type DownloadOptions = SourceOptions;

/** Streams `url` into `dest` (created or truncated) and returns its sha256 as lowercase hex. */
export async function downloadPackage(url: string, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  const result = await download(url, dest, opts);
  if (!result.ok) await rm(dest, { force: true });
  return result;
}

async function download(url: string, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  if (opts.signal?.aborted) return cancelled(url);
  let opened;
  try {
    opened = await openPackageSource(url, opts);
  } catch (err) {
    return { ok: false, code: 'download_failed', message: `cannot fetch ${url}: ${describe(err)}` };
  }
  if (!opened.ok) return opened;
  const hash = createHash('sha256');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > opts.maxPackageBytes) {
        return done(new DownloadRefusal('package_too_large', `${url} sent more than the ${opts.maxPackageBytes} bytes a package may have (FERRY_MAX_PACKAGE_BYTES); cut off there`));
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(opened.stream, counter, createWriteStream(dest), ...(opts.signal ? [{ signal: opts.signal }] : []));
  } catch (err) {
    if (opts.signal?.aborted) return cancelled(url);
    const refusal = opened.refusal() ?? (err instanceof DownloadRefusal ? err : null);
    if (refusal !== null) return { ok: false, code: refusal.code, message: `download of ${url} stopped after ${bytes} bytes: ${refusal.message}` };
    return { ok: false, code: 'download_failed', message: `download of ${url} broke off after ${bytes} bytes: ${describe(err)}` };
  }
  return { ok: true, sha256: hash.digest('hex'), bytes };
}

function cancelled(url: string): DownloadResult {
  return { ok: false, code: 'cancelled', message: `download of ${url} was cancelled: its goal was withdrawn` };
}
