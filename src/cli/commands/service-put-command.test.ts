/** `ferry service put` shows its plan and asks before it removes anything: in-process against a real server on a real SQLite store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readTimers } from '../../config/timers.js';
import type { RunningServer } from '../../server/server-options.js';
import { startServer } from '../../server/start-server.js';
import { runFerry } from '../../testing/fake-terminal.js';

let dir: string;
let server: RunningServer;
let service: string;
/** Each test its own host: ports are unique per host across services. */
let host: string;
let counter = 0;
const admin = () => ['--server', server.url, '--token', server.adminToken];
const put = (...rest: string[]) => ['service', 'put', service, '--start', 'node server.js', ...rest, ...admin()];
const instancesOf = async () => JSON.parse((await runFerry(['service', 'get', service, '--json', ...admin()])).stdout).instances.map((i: { instance_id: string }) => i.instance_id);
const NOT_A_TERMINAL = { stdin: { tty: false } };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-service-cli-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir, timers: readTimers({}), logLevel: 'silent' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  service = `svc${++counter}`;
  host = `h${counter}`;
  const created = await runFerry(put('--instance', `${host}:7001`, '--instance', `${host}:7002`, '--instance', `${host}:7003`), NOT_A_TERMINAL);
  expect(created.code, created.stderr).toBe(0);
});

describe('ferry service put', () => {
  it('--dry-run prints one line per change and changes nothing', async () => {
    const dry = await runFerry(put('--instance', `${host}:7001`, '--instance', `${host}:7004`, '--env', 'API_KEY=s3cret', '--dry-run'), NOT_A_TERMINAL);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`plan for service ${service}:`);
    expect(dry.stdout).toContain(`+ add     ${service}-${host}-7004 (${host}:7004)`);
    expect(dry.stdout).toContain(`- remove  ${service}-${host}-7002 (${host}:7002): drained and stopped`);
    expect(dry.stdout).toContain(`- remove  ${service}-${host}-7003`);
    expect(dry.stdout).toContain('~ change  env: API_KEY (values not shown)');
    expect(dry.stdout).not.toContain('s3cret');
    expect(await instancesOf()).toEqual([`${service}-${host}-7001`, `${service}-${host}-7002`, `${service}-${host}-7003`]);
  });

  it('--dry-run --json prints the API body of the dry run', async () => {
    const dry = await runFerry(put('--instance', `${host}:7001`, '--dry-run', '--json'), NOT_A_TERMINAL);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, service, plan: { removed: [{ instance_id: `${service}-${host}-7002` }, { instance_id: `${service}-${host}-7003` }] } });
  });

  it('in a script, refuses a plan that removes instances unless --yes (exit 2, one line), then applies it with --yes', async () => {
    const refused = await runFerry(put('--instance', `${host}:7001`), NOT_A_TERMINAL);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/would remove 2 instance\(s\).*pass --yes/);
    expect(await instancesOf()).toHaveLength(3);

    const applied = await runFerry(put('--instance', `${host}:7001`, '--yes'), NOT_A_TERMINAL);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`2 removed (${service}-${host}-7002, ${service}-${host}-7003)`);
    expect(await instancesOf()).toEqual([`${service}-${host}-7001`]);
  });

  it('in a script, applies a plan that removes nothing without asking', async () => {
    const grown = await runFerry(put('--instance', `${host}:7001`, '--instance', `${host}:7002`, '--instance', `${host}:7003`, '--instance', `${host}:7004`), NOT_A_TERMINAL);
    expect(grown.code, grown.stderr).toBe(0);
    expect(await instancesOf()).toHaveLength(4);
  });

  it('on a terminal, shows the plan and asks; anything but y changes nothing (exit 1), y applies', async () => {
    const declined = await runFerry(put('--instance', `${host}:7001`), { stdin: { tty: true, input: '\n' } });
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain(`- remove  ${service}-${host}-7002`);
    expect(declined.stderr).toContain('Apply? [y/N]');
    expect(await instancesOf()).toHaveLength(3);

    const accepted = await runFerry(put('--instance', `${host}:7001`), { stdin: { tty: true, input: 'y\n' } });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(await instancesOf()).toEqual([`${service}-${host}-7001`]);
  });

  it('--yes skips the question on a terminal; --json still prints the API body, plan included', async () => {
    const applied = await runFerry(put('--instance', `${host}:7001`, '--yes', '--json'), { stdin: { tty: true } });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toContain('Apply?');
    expect(JSON.parse(applied.stdout)).toMatchObject({ service, plan: { removed: [{ instance_id: `${service}-${host}-7002` }, { instance_id: `${service}-${host}-7003` }] }, warnings: [] });
  });

  it('prints the warning about a host that never had an agent on stderr', async () => {
    const applied = await runFerry(put('--instance', `${host}:7001`, '--instance', `${host}:7002`, '--instance', `${host}:7003`, '--instance', 'web9:8080'), NOT_A_TERMINAL);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain(`warning: host web9 has never had an agent; instance ${service}-web9-8080 will start once an agent with --host-id web9 connects`);
  });
});
