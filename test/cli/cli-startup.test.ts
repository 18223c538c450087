/**
 * The CLI loads a command's heavy code (server, agent, store drivers, packaging) only when
 * that command runs, so `ferry --version` and client commands start fast. A resolve hook
 * records every module the real bin/ferry loads; no wall-clock time is asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ferry-startup-'));
const HEAVY = ['fastify', 'kysely', 'better-sqlite3', 'pg', 'prom-client', 'tar', 'pino', 'undici', '@fastify/swagger'];

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The npm packages `bin/ferry ARGS` resolved, whether it loaded Node's bundled undici (the global fetch), and how it exited. */
function packagesLoadedBy(args: string[]): { status: number | null; packages: Set<string>; bundledUndici: boolean } {
  const out = join(scratch, `imports-${Math.random().toString(36).slice(2)}.txt`);
  const run = spawnSync(process.execPath, ['--import', join(root, 'test/cli/record-imports-hook.mjs'), join(root, 'bin/ferry'), ...args], {
    cwd: scratch,
    env: { ...process.env, FERRY_RECORD_IMPORTS: out, FERRY_TOKEN: 't' },
    encoding: 'utf8',
  });
  let urls: string[] = [];
  try {
    urls = readFileSync(out, 'utf8').split('\n').filter((line) => line !== '');
  } catch {
    // nothing recorded
  }
  const packages = new Set<string>();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  return { status: run.status, packages, bundledUndici: urls.includes('node-internal:internal/deps/undici/undici') };
}

describe('ferry start-up', () => {
  it('--version loads commander and nothing heavy', () => {
    const run = packagesLoadedBy(['--version']);
    expect(run.status).toBe(0);
    expect(run.packages.has('commander')).toBe(true);
    expect(HEAVY.filter((name) => run.packages.has(name))).toEqual([]);
  });

  it('a client command loads nothing of the server, nor the undici behind the global fetch', () => {
    const run = packagesLoadedBy(['services', '--server', 'http://127.0.0.1:9']);
    expect(run.status).toBe(3);
    expect(HEAVY.filter((name) => run.packages.has(name))).toEqual([]);
    expect(run.bundledUndici).toBe(false);
  });

  it('the probe sees the global fetch load undici', () => {
    const out = join(scratch, 'fetch-probe.txt');
    spawnSync(process.execPath, ['--import', join(root, 'test/cli/record-imports-hook.mjs'), '-e', 'fetch("http://127.0.0.1:9").catch(() => {})'], {
      env: { ...process.env, FERRY_RECORD_IMPORTS: out },
    });
    expect(readFileSync(out, 'utf8')).toContain('node-internal:internal/deps/undici/undici');
  });
});
