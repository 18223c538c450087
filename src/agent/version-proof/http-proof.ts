/**
 * The `http` check: GET the version path on loopback and read the version from a JSON
 * field (a dotted path, default `version`) or a response header. Each request is bounded
 * in time (PROBE_REQUEST_TIMEOUT_MS) and its body in bytes (VERSION_BODY_MAX_BYTES).
 *
 * An answer without a version (a 4xx, non-JSON, JSON without the field) is `unavailable`,
 * which a start fails on fast when it persists; no answer at all is `pending`: a service
 * may take a while to listen. A 5xx is `pending` too, a service warming up may answer one.
 */
import { fieldAt, type VersionCheck, type VersionSource } from '../../core/version-check.js';
import { readBodyUpTo } from '../../transport/read-body-up-to.js';
import type { ProofResult } from './proof-result.js';

/** Each request's own deadline, so one hung instance cannot stall the agent. */
export const PROBE_REQUEST_TIMEOUT_MS = 2000;
/** A version answer is a few bytes; more than this is no version answer. */
export const VERSION_BODY_MAX_BYTES = 64 * 1024;

type HttpCheck = Extract<VersionCheck, { type: 'http' }>;

export async function proveByHttp(check: HttpCheck, port: number): Promise<ProofResult> {
  const path = check.path.startsWith('/') ? check.path : `/${check.path}`;
  const field = check.field ?? 'version';
  const source = { type: 'http' as const, detail: check.header !== undefined ? `GET ${path} header ${check.header}` : `GET ${path} field ${field}` };
  const signal = AbortSignal.timeout(PROBE_REQUEST_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${port}${path}`, { signal });
  } catch (err) {
    return { kind: 'pending', why: `no answer on ${path} (${(err as Error).message})` };
  }
  if (res.status < 200 || res.status >= 300) {
    await res.body?.cancel().catch(() => undefined);
    const why = `answered ${res.status} on ${path}`;
    return res.status >= 500 ? { kind: 'pending', why } : { kind: 'unavailable', why };
  }
  if (check.header !== undefined) {
    await res.body?.cancel().catch(() => undefined);
    const value = res.headers.get(check.header)?.trim() ?? '';
    if (value === '') return { kind: 'unavailable', why: `answered ${path} without a ${check.header} header` };
    return versionAnswer(value, source, `header ${check.header} on ${path}`);
  }
  let body: { text: string; cut: boolean };
  try {
    body = await readBodyUpTo(res, VERSION_BODY_MAX_BYTES);
  } catch (err) {
    return { kind: 'pending', why: `no whole answer on ${path} (${(err as Error).message})` };
  }
  if (body.cut) return { kind: 'unavailable', why: `answered more than ${VERSION_BODY_MAX_BYTES} bytes on ${path}` };
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return { kind: 'unavailable', why: `answered non-JSON on ${path}` };
  }
  const version = fieldAt(json, field);
  if (version === null) return { kind: 'unavailable', why: `answered JSON without a string field ${field} on ${path}` };
  return versionAnswer(version, source, `field ${field} on ${path}`);
}

/** A version name as releases have them (CONTRACT §1 names); anything else is no version answer. */
const VERSION_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

function versionAnswer(value: string, source: VersionSource, where: string): ProofResult {
  if (VERSION_SHAPE.test(value)) return { kind: 'proven', version: value, source };
  return { kind: 'unavailable', why: `answered ${JSON.stringify(value.slice(0, 40))}${value.length > 40 ? '…' : ''} in ${where}, which is no version name` };
}
