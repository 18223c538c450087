/**
 * Name rules for everything that ends up in a URL, a directory name or a SQL key.
 * A version becomes `releases/<version>` on every host, so its pattern forbids path
 * separators and leading dots; floating labels are refused because a fleet must run
 * immutable versions (seed 000 R1).
 */
import { InputError } from './errors.js';
import { parseIsoTime } from './iso-time.js';
import type { Check } from './result.js';

export const SERVICE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
export const HOST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
/** Ids a caller may choose for a deployment (`deploy_id`). */
export const OPERATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Labels that name a moving target, never one build. */
export const FLOATING_VERSION_LABELS = ['latest', 'current', 'stable', 'head'] as const;

export function checkServiceName(name: string): Check {
  if (SERVICE_NAME_PATTERN.test(name)) return { ok: true };
  return {
    ok: false,
    reason: 'invalid_service_name',
    message: `service name "${name}" must match ${SERVICE_NAME_PATTERN.source}`,
  };
}

export function checkVersion(version: string): Check {
  if (!VERSION_PATTERN.test(version)) {
    return {
      ok: false,
      reason: 'invalid_version',
      message: `version "${version}" must match ${VERSION_PATTERN.source}`,
    };
  }
  if ((FLOATING_VERSION_LABELS as readonly string[]).includes(version.toLowerCase())) {
    return {
      ok: false,
      reason: 'invalid_version',
      message: `"${version}" is a floating label, not an immutable version`,
    };
  }
  return { ok: true };
}

export function checkHostId(host: string): Check {
  if (HOST_ID_PATTERN.test(host)) return { ok: true };
  return { ok: false, reason: 'invalid_host', message: `host id "${host}" must match ${HOST_ID_PATTERN.source}` };
}

export function checkSha256(sha256: string): Check {
  if (SHA256_PATTERN.test(sha256)) return { ok: true };
  return { ok: false, reason: 'invalid_sha256', message: 'sha256 must be 64 lowercase hex digits' };
}

/** Longest package_url accepted: far above any real one, and small enough to show in any log line. */
export const MAX_PACKAGE_URL_LENGTH = 2048;

/**
 * Agents can fetch http(s) and local files; anything else would fail only on the host,
 * later. Credentials in the URL are refused, never stored: the URL is shown to every
 * reader of releases and written to logs, so a password in it would leak (use a
 * pre-signed URL or a proxy that authenticates instead). Messages never echo the URL.
 */
export function checkPackageUrl(url: string): Check {
  if (url.length > MAX_PACKAGE_URL_LENGTH) {
    return { ok: false, reason: 'invalid_package_url', message: `package_url is ${url.length} characters long; at most ${MAX_PACKAGE_URL_LENGTH} are accepted` };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'invalid_package_url', message: 'package_url is not a URL' };
  }
  if (!['http:', 'https:', 'file:'].includes(parsed.protocol)) {
    return { ok: false, reason: 'invalid_package_url', message: `package_url must be http, https or file, not ${parsed.protocol.replace(':', '')}` };
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, reason: 'credentials_in_url', message: 'package_url must not carry a user name or password; credentials in URLs are refused and never stored' };
  }
  return { ok: true };
}

/** A build time, when given, is an ISO-8601 time (core/iso-time.ts), so it sorts and compares. */
export function checkBuildTime(buildTime: string | null | undefined): Check {
  if (buildTime === null || buildTime === undefined || parseIsoTime(buildTime) !== null) return { ok: true };
  return { ok: false, reason: 'invalid_build_time', message: 'build_time must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z' };
}

/**
 * Instance ids double as directory names on the host and as global API keys, so they are
 * built only from already-validated parts and never collide. Service names hold no '.',
 * so the plain join is used while the host id holds no '-' (then the last two '-' split
 * the id); otherwise a '.' after the service marks the other form:
 *   hello on web1:7001        → hello-web1-7001
 *   a-b on c:7001             → a-b-c-7001
 *   a on b-c:7001             → a.b-c-7001   (the plain join would collide with the line above)
 */
export function instanceIdFor(service: string, host: string, port: number): string {
  return host.includes('-') ? `${service}.${host}-${port}` : `${service}-${host}-${port}`;
}

/**
 * A name taken from a path or query parameter, or the contract's 400 when it is
 * malformed: a bad name is refused before it can become a lookup.
 */
export function checkedName(value: string, what: 'service' | 'version' | 'host'): string {
  const check = what === 'service' ? checkServiceName(value) : what === 'version' ? checkVersion(value) : checkHostId(value);
  if (!check.ok) throw new InputError(check.reason, check.message);
  return value;
}
