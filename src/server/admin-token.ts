/**
 * With no admin token configured, the server creates one once, keeps it in
 * `<data-dir>/admin.token` (mode 0600) and reuses it on later starts, so a local setup
 * is secure by default and the CLI finds the token without configuration.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin.token';

export function resolveAdminToken(dataDir: string, configured: string | undefined): { token: string; file: string | null } {
  if (configured !== undefined && configured !== '') return { token: configured, file: null };
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing !== '') return { token: existing, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
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
