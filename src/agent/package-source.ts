/**
 * Opens the byte stream of a release package, refusing what cannot be a bounded package
 * before a byte of its body is read:
 *
 *   file:///srv/pkg.tar.gz (regular file, 3 MB)  -> the file's stream
 *   file:///dev/zero, a FIFO, a directory        -> package_not_regular_file (judged by fstat on
 *                                                   the opened fd, so a swapped path cannot slip by;
 *                                                   opened O_NONBLOCK, so a FIFO cannot hang the open)
 *   Content-Length or file size over the limit   -> package_too_large
 *   no TCP/TLS connection within connect timeout -> download_timeout
 *   no headers or body bytes for idle timeout    -> download_timeout (also while the body streams)
 *
 * http(s) goes through node:http(s) rather than fetch: only there are the connect and the
 * idle read separate events with their own timers, and a private CA is a plain `ca` option.
 * Redirects are followed up to MAX_REDIRECTS.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export type DownloadFailureCode = 'download_failed' | 'download_timeout' | 'package_too_large' | 'package_not_regular_file' | 'cancelled';

export interface SourceOptions {
  maxPackageBytes: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** PEM CA certificates to verify https package servers with; else the system roots. */
  ca?: string;
  signal?: AbortSignal;
}

/** An expected way for a download to end early, carried through stream errors to the result. */
export class DownloadRefusal extends Error {
  constructor(
    readonly code: DownloadFailureCode,
    message: string,
  ) {
    super(message);
  }
}

export type OpenedSource = { ok: true; stream: Readable; refusal: () => DownloadRefusal | null } | { ok: false; code: DownloadFailureCode; message: string };

const MAX_REDIRECTS = 5;

export async function openPackageSource(url: string, opts: SourceOptions): Promise<OpenedSource> {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') return openFile(fileURLToPath(parsed), opts.maxPackageBytes);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, code: 'download_failed', message: `cannot fetch ${url}: unsupported scheme ${parsed.protocol}` };
  }
  return requestFollowing(parsed, opts, MAX_REDIRECTS);
}

async function openFile(file: string, maxBytes: number): Promise<OpenedSource> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  const stats = await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (!stats.isFile() || stats.size > maxBytes) {
    await handle.close();
    if (!stats.isFile()) return { ok: false, code: 'package_not_regular_file', message: `${file} is not a regular file; only a regular file can be a package` };
    return { ok: false, code: 'package_too_large', message: `${file} is ${stats.size} bytes, more than the ${maxBytes} a package may have (FERRY_MAX_PACKAGE_BYTES)` };
  }
  return { ok: true, stream: handle.createReadStream(), refusal: () => null };
}

async function requestFollowing(url: URL, opts: SourceOptions, redirectsLeft: number): Promise<OpenedSource> {
  const opened = await request(url, opts);
  if (!opened.ok || !('redirect' in opened)) return opened;
  if (redirectsLeft === 0) return { ok: false, code: 'download_failed', message: `cannot fetch ${url.href}: more than ${MAX_REDIRECTS} redirects` };
  const next = new URL(opened.redirect, url);
  if (next.protocol !== 'http:' && next.protocol !== 'https:') return { ok: false, code: 'download_failed', message: `cannot fetch ${url.href}: redirect to ${next.protocol}` };
  return requestFollowing(next, opts, redirectsLeft - 1);
}

/** One GET: resolves at the response headers, a refusal, or an error; timers run until the body ends. */
function request(url: URL, opts: SourceOptions): Promise<OpenedSource | { ok: true; redirect: string }> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve) => {
    let refusal: DownloadRefusal | null = null;
    // The first answer wins: a promise ignores every later resolve (an error after a redirect, say).
    const settle = resolve;
    // agent: false gives a fresh socket, so its connect event always fires and starts the idle clock.
    const options = { agent: false as const, ...(opts.signal ? { signal: opts.signal } : {}), ...(secure && opts.ca !== undefined ? { ca: opts.ca } : {}) };
    const req = (secure ? https : http).get(url, options, (res) => onResponse(res));
    const refuse = (r: DownloadRefusal): void => {
      refusal ??= r;
      req.destroy(r);
    };
    const connectTimer = setTimeout(
      () => refuse(new DownloadRefusal('download_timeout', `no connection to ${url.host} within ${opts.connectTimeoutMs / 1000} s`)),
      opts.connectTimeoutMs,
    );
    req.on('socket', (socket) => socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer)));
    req.setTimeout(opts.idleTimeoutMs, () => refuse(new DownloadRefusal('download_timeout', `${url.host} sent nothing for ${opts.idleTimeoutMs / 1000} s`)));
    req.on('close', () => clearTimeout(connectTimer));
    req.on('error', (err) => {
      clearTimeout(connectTimer);
      const r = refusal ?? (opts.signal?.aborted ? new DownloadRefusal('cancelled', 'the download was cancelled') : null);
      settle(r !== null ? { ok: false, code: r.code, message: `cannot fetch ${url.href}: ${r.message}` } : { ok: false, code: 'download_failed', message: `cannot fetch ${url.href}: ${describe(err)}` });
    });

    function onResponse(res: IncomingMessage): void {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        req.destroy();
        return settle({ ok: true, redirect: res.headers.location });
      }
      if (status < 200 || status >= 300) {
        res.resume();
        req.destroy();
        return settle({ ok: false, code: 'download_failed', message: `cannot fetch ${url.href}: HTTP ${status} ${res.statusMessage ?? ''}`.trim() });
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxPackageBytes) {
        req.destroy();
        return settle({ ok: false, code: 'package_too_large', message: `${url.href} declares ${declared} bytes, more than the ${opts.maxPackageBytes} a package may have (FERRY_MAX_PACKAGE_BYTES)` });
      }
      settle({ ok: true, stream: res, refusal: () => refusal });
    }
  });
}

/** errno codes (ENOENT, ECONNREFUSED) say more than messages. */
export function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
