/**
 * The bounds an install works within, so a hostile or broken package costs at most
 * this much disk, memory and time, never the host. Read once from the environment by
 * the CLI (like the timers) and passed down as data; tests set small values.
 */

export interface InstallLimits {
  /** Largest package (the compressed download) in bytes: FERRY_MAX_PACKAGE_BYTES, default 2 GiB. */
  maxPackageBytes: number;
  /** Largest sum of entry sizes once unpacked: FERRY_MAX_UNPACKED_BYTES, default 8 GiB. */
  maxUnpackedBytes: number;
  /** Most entries (files, directories, links) a package may hold: FERRY_MAX_PACKAGE_ENTRIES, default 100,000. */
  maxEntries: number;
  /** Longest wait for a TCP (and TLS) connection to the package server: FERRY_DOWNLOAD_CONNECT_TIMEOUT_S, default 10. */
  connectTimeoutMs: number;
  /** Longest silence (no response headers, no body bytes) before a download is given up: FERRY_DOWNLOAD_IDLE_TIMEOUT_S, default 30. */
  idleTimeoutMs: number;
}

const GIB = 1024 ** 3;

export const DEFAULT_INSTALL_LIMITS: InstallLimits = {
  maxPackageBytes: 2 * GIB,
  maxUnpackedBytes: 8 * GIB,
  maxEntries: 100_000,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
};

export type LimitsResult = { ok: true; limits: InstallLimits } | { ok: false; message: string };

/**
 * The limits the environment sets, each falling back to its default when unset or empty.
 *
 *   {}                                    -> the defaults
 *   { FERRY_MAX_PACKAGE_BYTES: '4096' }   -> maxPackageBytes 4096, the rest defaults
 *   { FERRY_DOWNLOAD_IDLE_TIMEOUT_S: '0.5' } -> idleTimeoutMs 500
 *   { FERRY_MAX_PACKAGE_ENTRIES: '-1' }   -> { ok: false, message naming the variable }
 */
export function readInstallLimits(env: NodeJS.ProcessEnv): LimitsResult {
  const d = DEFAULT_INSTALL_LIMITS;
  const fields: Array<[keyof InstallLimits, string, number, number]> = [
    ['maxPackageBytes', 'FERRY_MAX_PACKAGE_BYTES', d.maxPackageBytes, 1],
    ['maxUnpackedBytes', 'FERRY_MAX_UNPACKED_BYTES', d.maxUnpackedBytes, 1],
    ['maxEntries', 'FERRY_MAX_PACKAGE_ENTRIES', d.maxEntries, 1],
    ['connectTimeoutMs', 'FERRY_DOWNLOAD_CONNECT_TIMEOUT_S', d.connectTimeoutMs / 1000, 1000],
    ['idleTimeoutMs', 'FERRY_DOWNLOAD_IDLE_TIMEOUT_S', d.idleTimeoutMs / 1000, 1000],
  ];
  const limits = { ...d };
  for (const [key, name, fallback, scale] of fields) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) return { ok: false, message: `${name} must be a positive number, got "${raw}"` };
    limits[key] = Math.round(value * scale);
  }
  return { ok: true, limits };
}
