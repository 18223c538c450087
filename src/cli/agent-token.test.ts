import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAgentToken, TOKEN_ON_COMMAND_LINE_WARNING } from './agent-token.js';

let dir: string;
let privateFile: string;
let openFile: string;
let groupFile: string;
let localFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-agent-token-'));
  privateFile = join(dir, 'agent.token');
  openFile = join(dir, 'open.token');
  groupFile = join(dir, 'group.token');
  localFile = join(dir, 'admin.token');
  for (const [file, mode] of [[privateFile, 0o600], [openFile, 0o644], [groupFile, 0o640], [localFile, 0o600]] as const) {
    await writeFile(file, `${file === localFile ? 'from-local' : 'from-file'}\n`);
    await chmod(file, mode);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const resolve = (flags: { token?: string; tokenFile?: string }, env: NodeJS.ProcessEnv, local = localFile) =>
  resolveAgentToken({ flagToken: flags.token, flagTokenFile: flags.tokenFile, env, localTokenFile: local });

describe('resolveAgentToken', () => {
  it('takes --token first, with the process-list warning', () => {
    expect(resolve({ token: 'flag', tokenFile: privateFile }, { FERRY_AGENT_TOKEN: 'env' })).toEqual({ ok: true, token: 'flag', source: '--token', warning: TOKEN_ON_COMMAND_LINE_WARNING });
  });

  it('then --token-file, then FERRY_AGENT_TOKEN_FILE, before any token in the environment', () => {
    expect(resolve({ tokenFile: privateFile }, { FERRY_AGENT_TOKEN: 'env' })).toMatchObject({ ok: true, token: 'from-file', warning: null });
    expect(resolve({}, { FERRY_AGENT_TOKEN_FILE: privateFile, FERRY_AGENT_TOKEN: 'env' })).toMatchObject({ ok: true, token: 'from-file', source: privateFile });
  });

  it('then FERRY_AGENT_TOKEN, then FERRY_TOKEN, then the local admin token', () => {
    expect(resolve({}, { FERRY_AGENT_TOKEN: 'agent', FERRY_TOKEN: 'any' })).toMatchObject({ token: 'agent', source: 'FERRY_AGENT_TOKEN' });
    expect(resolve({}, { FERRY_AGENT_TOKEN: ' ', FERRY_TOKEN: 'any' })).toMatchObject({ token: 'any', source: 'FERRY_TOKEN' });
    expect(resolve({}, {})).toMatchObject({ token: 'from-local', source: localFile });
  });

  it('fails with a message when there is no token at all', () => {
    expect(resolve({}, {}, join(dir, 'missing'))).toMatchObject({ ok: false, message: expect.stringContaining('--token-file') });
  });

  it.each([
    ['world-readable', () => openFile],
    ['group-readable', () => groupFile],
  ])('refuses a %s token file, saying chmod 600', (_label, file) => {
    const result = resolve({ tokenFile: file() }, { FERRY_AGENT_TOKEN: 'env' });
    expect(result).toEqual({ ok: false, message: expect.stringContaining(`chmod 600 ${file()}`) });
  });

  it('refuses a missing or empty token file rather than falling back', async () => {
    expect(resolve({ tokenFile: join(dir, 'nope') }, { FERRY_TOKEN: 'env' })).toMatchObject({ ok: false, message: expect.stringContaining('cannot read token file') });
    const empty = join(dir, 'empty.token');
    await writeFile(empty, '\n', { mode: 0o600 });
    expect(resolve({ tokenFile: empty }, { FERRY_TOKEN: 'env' })).toMatchObject({ ok: false, message: expect.stringContaining('is empty') });
  });
});
