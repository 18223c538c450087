/**
 * TLS and named tokens end to end: a real `ferry server --tls-cert --tls-key`, a real agent
 * that verifies it with `--ca-file` and authenticates with a token bound to its host, given
 * in a 0600 token file so it never shows in the process list, real hello-service instances,
 * and the CLI deploying over HTTPS with a `deployer` token.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry } from '../../src/testing/fake-terminal.js';
import { startAgentProcess, startServerProcess, type FerryProcess, type ServerProcess } from '../../src/local-fleet/ferry-processes.js';
import { freePorts } from '../../src/local-fleet/free-port.js';
import { packageHello } from '../../src/local-fleet/hello-packages.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';

const ADMIN = 'tls-admin-token-0123456789';
let dir: string;
let ca: string;
let server: ServerProcess;
let agent: FerryProcess | undefined;
let port: number;

const cli = (token: string, ...args: string[]) => runFerry([...args, '--server', server.url, '--token', token, '--ca-file', ca]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-tls-e2e-'));
  ca = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', key, '-out', ca], { stdio: 'ignore' });
  server = await startServerProcess({ dataDir: join(dir, 'server'), adminToken: ADMIN, env: { FERRY_TLS_CERT: ca, FERRY_TLS_KEY: key } });
  [port] = (await freePorts(1)) as [number];
}, 60_000);

afterAll(async () => {
  if (agent !== undefined) {
    await cli(ADMIN, 'service', 'put', 'hello', '--start', 'node server.js', '--no-instances', '--yes').catch(() => undefined);
    await pollUntil('the instance to stop', async () => {
      const answered = await fetch(`http://127.0.0.1:${port}/version`).then(() => true, () => false);
      return answered ? undefined : true;
    }).catch(() => undefined);
    await agent.stop();
  }
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTPS with named tokens', () => {
  it('serves HTTPS only, verified with the CA file and refused without it', async () => {
    expect(server.url).toMatch(/^https:\/\//);
    expect(await cli(ADMIN, 'services')).toMatchObject({ code: 0 });
    const unverified = await runFerry(['services', '--server', server.url, '--token', ADMIN]);
    expect(unverified.code).toBe(3);
  });

  it('deploys through an agent with a host-bound token from a file, never on its command line', async () => {
    const issued = await cli(ADMIN, 'token', 'create', 'agent-local', '--role', 'agent', '--host', 'local');
    const tokenFile = join(dir, 'agent.token');
    writeFileSync(tokenFile, issued.stdout, { mode: 0o600 });
    agent = startAgentProcess({
      serverUrl: server.url,
      token: '',
      hostId: 'local',
      root: join(dir, 'agent'),
      logFile: join(dir, 'agent.log'),
      env: { FERRY_AGENT_TOKEN_FILE: tokenFile, FERRY_CA_FILE: ca },
    });
    const secret = issued.stdout.trim();
    expect(readFileSync(`/proc/${agent.pid}/cmdline`, 'utf8')).not.toContain(secret);

    const deployer = (await cli(ADMIN, 'token', 'create', 'ci', '--role', 'deployer')).stdout.trim();
    const v1 = await packageHello(dir, 'hello', '1.0.0');
    expect((await cli(ADMIN, 'release', 'add', 'hello', '1.0.0', '--package-url', v1.package_url, '--sha256', v1.sha256)).code).toBe(0);
    expect((await cli(ADMIN, 'service', 'put', 'hello', '--start', 'node server.js', '--instance', `local:${port}`, '--env', 'API_KEY=s3cret')).code).toBe(0);
    await pollUntil('the agent to register over HTTPS', async () => ((await cli(ADMIN, 'hosts', '--json')).stdout.includes('"local"') ? true : undefined));

    const deployed = await cli(deployer, 'deploy', 'hello', '1.0.0', '--wait');
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/version`)).json()).toMatchObject({ version: '1.0.0' });

    const audit = JSON.parse((await cli(ADMIN, 'audit', '--service', 'hello', '--json')).stdout);
    expect(audit.events.find((e: { type: string }) => e.type === 'deploy_started').actor).toBe('ci');
    const shown = JSON.parse((await cli(deployer, 'service', 'get', 'hello', '--json')).stdout);
    expect(shown.env).toEqual({ API_KEY: '***' });
    expect(readFileSync(join(dir, 'server', 'server.log'), 'utf8')).not.toContain('s3cret');
    expect(readFileSync(join(dir, 'agent.log'), 'utf8')).not.toContain('s3cret');
  }, 90_000);
});
