/** `ferry token create|list|revoke` in-process against a real server on a real SQLite store. */
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
  dir = mkdtempSync(join(tmpdir(), 'ferry-token-cli-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir, timers: readTimers({}), logLevel: 'silent' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ferry token', () => {
  it('creates a token whose secret alone is on stdout, lists it without the secret, and revokes it', async () => {
    const created = await runFerry(['token', 'create', 'ci', '--role', 'viewer', '--expires', '2099-01-01T00:00:00Z', ...admin()]);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^fy_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/token ci \(tok_[0-9a-f]+, viewer\) created; the secret above is shown only now/);

    const listed = await runFerry(['token', 'list', ...admin()]);
    expect(listed.stdout).toMatch(/^TOKEN_ID +NAME +ROLE/);
    expect(listed.stdout).toMatch(/ci +viewer +- +active +2099-01-01T00:00:00.000Z +admin/);
    expect(listed.stdout).not.toContain(secret);

    expect((await runFerry(['services', '--server', server.url, '--token', secret])).code).toBe(0);
    expect(await runFerry(['token', 'list', '--server', server.url, '--token', secret])).toMatchObject({ code: 3, stderr: expect.stringContaining('admin role') });

    const id = /tok_[0-9a-f]+/.exec(created.stderr)![0];
    expect(await runFerry(['token', 'revoke', id, ...admin()])).toMatchObject({ code: 0, stdout: `revoked ${id} (ci, viewer)\n` });
    expect((await runFerry(['services', '--server', server.url, '--token', secret])).code).toBe(3);
  });

  it('refuses an agent token without a host (exit 2) and an unknown role before calling the server', async () => {
    expect(await runFerry(['token', 'create', 'a', '--role', 'agent', ...admin()])).toMatchObject({ code: 2, stderr: expect.stringContaining('host_id') });
    expect((await runFerry(['token', 'create', 'a', '--role', 'root', ...admin()])).code).toBe(2);
    const bound = await runFerry(['token', 'create', 'web1', '--role', 'agent', '--host', 'web1', '--json', ...admin()]);
    expect(JSON.parse(bound.stdout)).toMatchObject({ name: 'web1', role: 'agent', host_id: 'web1', token: expect.stringMatching(/^fy_/) });
  });
});
