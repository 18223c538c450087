import { describe, expect, it } from 'vitest';
import type { LaunchSpec } from './drivers/process-driver.js';
import { buildLaunchCommand, instanceEnv, shellScript } from './launch-command.js';

const spec: LaunchSpec = {
  instanceId: 'hello-h1-7001',
  service: 'hello',
  instanceDir: '/nowhere',
  port: 7001,
  start: 'true',
  env: { GREETING: 'hi', PORT: '1', FERRY_VERSION: 'latest', FERRY_SERVICE: 'x', FERRY_INSTANCE_ID: 'y', PATH: '/custom' },
  healthPath: '/healthz',
  versionPath: '/version',
};

describe('instanceEnv', () => {
  it('passes the service env but never lets it override what Ferry sets', () => {
    expect(instanceEnv(spec, '1.2.3', { PATH: '/usr/bin', HOME: '/root', SECRET: 'agent-only' })).toEqual({
      PATH: '/custom',
      HOME: '/root',
      GREETING: 'hi',
      PORT: '7001',
      FERRY_SERVICE: 'hello',
      FERRY_VERSION: '1.2.3',
      FERRY_INSTANCE_ID: 'hello-h1-7001',
    });
  });

  it('gives the instance its goal trace as TRACEPARENT, over any the service env sets', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = { ...spec, env: { ...spec.env, TRACEPARENT: 'forged' }, traceparent };
    expect(instanceEnv(traced, '1.2.3', {}).TRACEPARENT).toBe(traceparent);
    expect(instanceEnv(spec, '1.2.3', {})).not.toHaveProperty('TRACEPARENT');
  });
});

describe('shellScript', () => {
  it.each([
    ['node server.js', 'exec node server.js'],
    ['  ./bin/app --port=8080 ', 'exec ./bin/app --port=8080'],
    ['java -Xmx512m -jar app.jar', 'exec java -Xmx512m -jar app.jar'],
    ['DEBUG=1 node server.js', 'DEBUG=1 node server.js'],
    ['npm ci && node server.js', 'npm ci && node server.js'],
    ['node server.js > out.log', 'node server.js > out.log'],
    ['node "my server.js"', 'node "my server.js"'],
    ['node $ENTRY', 'node $ENTRY'],
    ['cd app', 'cd app'],
    ['exec node server.js', 'exec node server.js'],
    ['', ''],
  ])('%j runs as %j', (start, script) => {
    expect(shellScript(start)).toBe(script);
  });
});

describe('buildLaunchCommand', () => {
  const base = { PATH: '/usr/bin', HOME: '/home/ferry' };
  const plain = { ...spec, instanceDir: '/srv/ferry/hello/instances/hello-h1-7001', env: {} };
  const ferryEnv = { PATH: '/usr/bin', HOME: '/home/ferry', PORT: '7001', FERRY_SERVICE: 'hello', FERRY_VERSION: '1.2.3', FERRY_INSTANCE_ID: 'hello-h1-7001' };
  it.each([
    ['node server.js', ['sh', '-c', 'exec node server.js']],
    ['./bin/app --port=8080', ['sh', '-c', 'exec ./bin/app --port=8080']],
    ['DEBUG=1 node server.js', ['sh', '-c', 'DEBUG=1 node server.js']],
    ['npm ci && node server.js', ['sh', '-c', 'npm ci && node server.js']],
  ])('%j runs as %j in the current link', (start, argv) => {
    expect(buildLaunchCommand({ ...plain, start }, '1.2.3', base)).toEqual({
      argv,
      cwd: '/srv/ferry/hello/instances/hello-h1-7001/current',
      env: ferryEnv,
    });
  });

  it('gives the process the same environment instanceEnv builds', () => {
    expect(buildLaunchCommand(spec, '1.2.3', base).env).toEqual(instanceEnv(spec, '1.2.3', base));
  });
});
