#!/usr/bin/env node
/**
 * Benchmark (issue 14): the time a `process` version proof adds to an instance start over
 * the `http` one. Starts N real hello-service processes the way the agent does
 * (`launchProcess`: `sh -c "exec node server.js"` in the instance's `current`, a detached
 * group, `pid.json`) from `<root>/hello/releases/1.0.0/`, waits until each answers
 * /healthz, then times the proof step on each, as `probeStartup` runs it once healthy:
 * `proveVersion` with `{type: "http", path: "/version"}` (a loopback GET, the JSON read)
 * and with `{type: "process"}` (the LISTEN socket in /proc/net/tcp*, its holder among the
 * started process's descendants, their cwd, exe and script). The two alternate per
 * instance, ROUNDS times, so both see the same machine load.
 * Target: process p50 and p95 at most 20 ms above http's. Needs a build (`npm run build`).
 * BENCH_INSTANCES (default 20) and BENCH_ROUNDS (default 5) override the sizes.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { switchCurrentLink } from '../dist/agent/current-link.js';
import { instanceDir, releaseDir } from '../dist/agent/host-layout.js';
import { launchProcess } from '../dist/agent/process-launcher.js';
import { stopProcessGroup } from '../dist/agent/stop-process-group.js';
import { proofContextFor } from '../dist/agent/release-switch.js';
import { proveVersion } from '../dist/agent/version-proof/prove-version.js';
import { freePorts } from '../dist/local-fleet/free-port.js';
import { HELLO_SERVICE_DIR } from '../dist/local-fleet/hello-packages.js';
import { median, round, waitReady } from './lib/instance-floor.mjs';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_ADDED_MS = 20;
const VERSION = '1.0.0';
const CHECKS = { http: { type: 'http', path: '/version' }, process: { type: 'process' } };

const root = mkdtempSync(join(tmpdir(), 'ferry-proof-bench-'));
const launched = [];
try {
  const release = releaseDir(root, 'hello', VERSION);
  mkdirSync(release, { recursive: true });
  cpSync(HELLO_SERVICE_DIR, release, { recursive: true });
  writeFileSync(join(release, 'VERSION'), VERSION);

  const ports = await freePorts(INSTANCES);
  const instances = [];
  for (const [i, port] of ports.entries()) {
    const id = `hello-local-${i}`;
    const dir = instanceDir(root, 'hello', id);
    switchCurrentLink(dir, VERSION);
    const assignment = { instance_id: id, service: 'hello', port, version: VERSION, start: 'node server.js', env: {}, health_path: '/healthz', version_path: '/version' };
    const spec = { instanceId: id, service: 'hello', instanceDir: dir, port, start: 'node server.js', env: {}, healthPath: '/healthz', versionPath: '/version' };
    const { record } = await launchProcess(spec, Date.now);
    launched.push(record);
    instances.push({ id, port, target: { ...proofContextFor(root, assignment, dir, record), instanceId: id, port, expectedVersion: VERSION } });
  }
  await Promise.all(ports.map((port) => waitReady(port)));

  const samples = { http: [], process: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, instance] of instances.entries()) {
      const order = (i + r) % 2 === 0 ? ['http', 'process'] : ['process', 'http'];
      for (const kind of order) {
        const started = performance.now();
        const proof = await proveVersion(CHECKS[kind], instance.target);
        samples[kind].push(performance.now() - started);
        if (proof.kind !== 'proven' || proof.version !== VERSION) throw new Error(`${kind} proof of ${instance.id} did not prove ${VERSION}: ${JSON.stringify(proof)}`);
      }
    }
  }
  const http = stats(samples.http);
  const proc = stats(samples.process);
  const result = {
    instances: INSTANCES,
    rounds: ROUNDS,
    http_p50_ms: http.p50,
    http_p95_ms: http.p95,
    process_p50_ms: proc.p50,
    process_p95_ms: proc.p95,
    process_added_p50_ms: round(proc.p50 - http.p50),
    process_added_p95_ms: round(proc.p95 - http.p95),
    target_added_ms: TARGET_ADDED_MS,
    load_avg_1m: Number(loadavg()[0].toFixed(2)),
    cpus: cpus().length,
  };
  process.stdout.write(`${JSON.stringify({ ...result, ok: result.process_added_p50_ms <= TARGET_ADDED_MS && result.process_added_p95_ms <= TARGET_ADDED_MS })}\n`);
} finally {
  await Promise.all(launched.map((record) => stopProcessGroup(record, 2000)));
  rmSync(root, { recursive: true, force: true });
}

function stats(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: round(median(sorted)), p95: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]) };
}
