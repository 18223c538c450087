/** `ferry deploy --dry-run` and `ferry deploy --help` in-process against a real server on a real SQLite store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTimers } from '../../config/timers.js';
import type { RunningServer } from '../../server/server-options.js';
import { startServer } from '../../server/start-server.js';
import { runFerry } from '../../testing/fake-terminal.js';

let dir: string;
let server: RunningServer;
const admin = () => ['--server', server.url, '--token', server.adminToken];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-deploy-cli-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir, timers: readTimers({}), logLevel: 'silent' });
  const instances = [7001, 7002, 7003, 7004].flatMap((port) => ['--instance', `h1:${port}`]);
  expect((await runFerry(['service', 'put', 'web', '--start', 'node server.js', ...instances, ...admin()], { stdin: { tty: false } })).code).toBe(0);
  expect((await runFerry(['release', 'add', 'web', '1.1.0', '--package-url', 'https://example.test/web-1.1.0.tgz', '--sha256', 'a'.repeat(64), ...admin()])).code).toBe(0);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ferry deploy --dry-run', () => {
  it('prints each batch and the instances it changes, and starts nothing', async () => {
    const dry = await runFerry(['deploy', 'web', '1.1.0', '--strategy', 'canary:1', '--dry-run', ...admin()]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n')).toEqual([
      'dry run: deploy web 1.1.0 to 4 instance(s) in 2 batch(es), strategy {"type":"canary","steps":[{"instances":1,"pause":"until_promoted"}]}; nothing changed',
      '  batch 1 (canary step 1): web-h1-7001 - → 1.1.0; then pause until promoted',
      '  batch 2: web-h1-7002 - → 1.1.0, web-h1-7003 - → 1.1.0, web-h1-7004 - → 1.1.0',
      '',
    ]);
    const listed = await runFerry(['service', 'get', 'web', '--json', ...admin()]);
    expect(JSON.parse(listed.stdout).lock).toBeNull();
  });

  it('--json prints the API body, the default strategy included', async () => {
    const dry = await runFerry(['deploy', 'web', '1.1.0', '--dry-run', '--json', ...admin()]);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, strategy: { type: 'rolling', batch_percent: 25 }, total: 4 });
    expect(JSON.parse(dry.stdout).batches).toHaveLength(4);
  });
});

describe('ferry deploy --help', () => {
  it('lists the default strategy and what a bare canary does', async () => {
    const help = await runFerry(['deploy', '--help']);
    expect(help.stdout).toContain('{"type":"rolling","batch_percent":25}');
    expect(help.stdout).toMatch(/canary +one step of RELEASE_CANARY_RATIO \(default 0\.1\) of the instances, a pause of\s+RELEASE_CANARY_DURATION_MIN \(default 30\) minutes/);
  });
});
