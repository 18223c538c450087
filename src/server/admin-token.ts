/**
 * With no admin token configured, the server creates one once, keeps it in
 * `<data-dir>/admin.token` (mode 0600) and reuses it on later starts, so a local setup
 * is secure by default and the CLI finds the token without configuration. An existing
 * file that the group or others may read is refused rather than used: the token it holds
 * must be assumed known, and silently fixing the mode would hide that.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exposedTokenFileProblem } from '../config/token-file.js';
import { InputError } from '../core/errors.js';

export const ADMIN_TOKEN_FILE = 'admin.token';

export function resolveAdminToken(dataDir: string, configured: string | undefined): { token: string; file: string | null } {
  if (configured !== undefined && configured !== '') return { token: configured, file: null };
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  try {
    refuseExposed(file);
    const existing = readFileSync(file, 'utf8').trim();
    if (existing !== '') return { token: existing, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  // 'wx' fails if another process created it first; then that one's token wins.
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { token: readFileSync(file, 'utf8').trim(), file };
  }
}

/** Throws when `file` exists and its mode lets the group or others read or write it. */
export function refuseExposed(file: string): void {
  const problem = exposedTokenFileProblem(file, statSync(file).mode);
  if (problem !== null) throw new InputError('token_file_exposed', problem);
}
