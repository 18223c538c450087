/**
 * The server's own try at a release's package, for `ferry preflight`: can the package
 * be fetched at all? Bounded in time and cheap: an http(s) URL gets a HEAD (a GET when
 * the server refuses HEAD) whose body is never read; a file:// URL must name a readable
 * regular file on the server's own filesystem. It proves the URL answers from here, not
 * that every host can reach it nor that the bytes match the sha256 (docs/preflight.md).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PackageProbe } from '../../../core/preflight/preflight-types.js';

/** Long enough for a package server on another continent, short enough for a person waiting on a command. */
export const PACKAGE_PROBE_TIMEOUT_MS = 3000;

const REACHABLE: PackageProbe = { reachable: true, error: null };

/** Never throws: every failure is a short reason code (`http_404`, `timeout`, `not_found`, ...). */
export async function probePackage(packageUrl: string, timeoutMs = PACKAGE_PROBE_TIMEOUT_MS): Promise<PackageProbe> {
  let url: URL;
  try {
    url = new URL(packageUrl);
  } catch {
    return unreachable('invalid_url');
  }
  if (url.protocol === 'file:') return probeFile(url);
  if (url.protocol === 'http:' || url.protocol === 'https:') return probeHttp(url, timeoutMs);
  return unreachable('unsupported_scheme');
}

async function probeFile(url: URL): Promise<PackageProbe> {
  try {
    const path = fileURLToPath(url);
    if (!(await stat(path)).isFile()) return unreachable('not_a_file');
    await access(path, constants.R_OK);
    return REACHABLE;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return unreachable('not_found');
    if (code === 'EACCES' || code === 'EPERM') return unreachable('not_readable');
    return unreachable(code !== undefined ? code.toLowerCase() : 'invalid_file_url');
  }
}

async function probeHttp(url: URL, timeoutMs: number): Promise<PackageProbe> {
  // One deadline for both tries, so a server that refuses HEAD cannot double the wait.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let res = await fetch(url, { method: 'HEAD', signal, redirect: 'follow' });
    if (res.status === 405 || res.status === 501) {
      res = await fetch(url, { method: 'GET', signal, redirect: 'follow' });
      // Only the status matters: the body (the whole package) is never read.
      await res.body?.cancel().catch(() => undefined);
    }
    return res.ok ? REACHABLE : unreachable(`http_${res.status}`);
  } catch (error) {
    if (signal.aborted) return unreachable('timeout');
    return unreachable(networkErrorCode(error) ?? 'network_error');
  }
}

/** `econnrefused`, `enotfound`, ... from fetch's cause (the first of several addresses tried, when there were several). */
function networkErrorCode(error: unknown): string | null {
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code.toLowerCase() : null;
}

function unreachable(error: string): PackageProbe {
  return { reachable: false, error };
}
