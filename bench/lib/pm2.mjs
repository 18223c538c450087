/**
 * Bench support: pm2 as a reference point: the repository's own devDependency, or when
 * that is missing (a production install) installed into the benchmark's scratch folder
 * (never globally). Its daemon's home is always in the scratch folder, and it is killed
 * afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_PM2 = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.bin', 'pm2');

/** `{ bin, env, why }`: pm2's binary and the environment to run it with, or bin null and why npm could not install it. */
export function installPm2(scratch) {
  const prefix = join(scratch, 'pm2');
  const env = { PM2_HOME: join(scratch, 'pm2-home') };
  if (existsSync(REPO_PM2)) return { bin: REPO_PM2, env, why: null };
  const npm = spawnSync('npm', ['install', 'pm2', '--prefix', prefix, '--no-audit', '--no-fund', '--silent'], { encoding: 'utf8', timeout: 300_000 });
  const bin = join(prefix, 'node_modules', '.bin', 'pm2');
  if (npm.status !== 0 || !existsSync(bin)) return { bin: null, env, why: `npm install pm2 failed: ${(npm.stderr || npm.error?.message || '').trim().slice(-300)}` };
  return { bin, env, why: null };
}

/** Stops pm2's daemon and everything it runs. */
export function killPm2(pm2) {
  if (pm2.bin !== null) spawnSync(pm2.bin, ['kill'], { env: { ...process.env, ...pm2.env }, stdio: 'ignore', timeout: 30_000 });
}
