/**
 * Bench support: pm2 as a reference point, installed into the benchmark's own scratch
 * folder (never globally) with its daemon's home there too, and killed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** `{ bin, env, why }`: pm2's binary and the environment to run it with, or bin null and why npm could not install it. */
export function installPm2(scratch) {
  const prefix = join(scratch, 'pm2');
  const env = { PM2_HOME: join(scratch, 'pm2-home') };
  const npm = spawnSync('npm', ['install', 'pm2', '--prefix', prefix, '--no-audit', '--no-fund', '--silent'], { encoding: 'utf8', timeout: 300_000 });
  const bin = join(prefix, 'node_modules', '.bin', 'pm2');
  if (npm.status !== 0 || !existsSync(bin)) return { bin: null, env, why: `npm install pm2 failed: ${(npm.stderr || npm.error?.message || '').trim().slice(-300)}` };
  return { bin, env, why: null };
}

/** Stops pm2's daemon and everything it runs. */
export function killPm2(pm2) {
  if (pm2.bin !== null) spawnSync(pm2.bin, ['kill'], { env: { ...process.env, ...pm2.env }, stdio: 'ignore', timeout: 30_000 });
}
