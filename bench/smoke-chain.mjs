#!/usr/bin/env node
/**
 * Benchmark (issue #14 item 6): what the seed's smoke chain adds to each instance start.
 * One real hello-service process on loopback; the agent's own runner from dist/
 * (`runVerifyChecks`) runs HELLO_REPORT_CHAIN (search → POST /reports → poll until done →
 * download the PDF) against it, RUNS times in a row, for two releases: one whose report
 * job takes hello-service's default 100 ms, and one whose job is done at once, which
 * leaves Ferry's own cost (four requests, their checks, the sha256 of each answer).
 * Prints the median and p95 wall time of one chain run, in ms. Needs `npm run build`.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../dist/local-fleet/free-port.js';
import { HELLO_REPORT_CHAIN, HELLO_SERVICE_DIR } from '../dist/local-fleet/hello-packages.js';
import { pollUntil } from '../dist/local-fleet/poll-until.js';
import { runVerifyChecks } from '../dist/agent/verify-checks.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
/** Ferry's own share of a chain run (a job done at once): at most this per instance start. */
const TARGET_OVERHEAD_MS = 50;

async function startHello(behaviour) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  cpSync(HELLO_SERVICE_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'VERSION'), 'bench-1\n');
  writeFileSync(join(dir, 'behaviour.json'), JSON.stringify(behaviour));
  const port = await freePort();
  const child = spawn(process.execPath, ['server.js'], { cwd: dir, env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  await pollUntil('hello-service to be healthy', async () => ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok ? true : undefined));
  return {
    port,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(behaviour) {
  const hello = await startHello(behaviour);
  try {
    const target = { instanceId: 'bench-local-1', port: hello.port, verify: [HELLO_REPORT_CHAIN], now: () => performance.now() };
    const times = [];
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now();
      const result = await runVerifyChecks(target);
      times.push(performance.now() - started);
      if (!result.ok) throw new Error(result.message);
    }
    times.sort((a, b) => a - b);
    return { median_ms: Number(percentile(times, 50).toFixed(1)), p95_ms: Number(percentile(times, 95).toFixed(1)) };
  } finally {
    hello.stop();
  }
}

const withJob = await measure({});
const immediate = await measure({ report_delay_ms: 0 });
process.stdout.write(
  `${JSON.stringify({
    runs: RUNS,
    chain: HELLO_REPORT_CHAIN.steps.map((s) => `${s.method ?? 'GET'} ${s.path}`).join(' → '),
    report_job_100ms: withJob,
    report_job_immediate: immediate,
    target_overhead_ms: TARGET_OVERHEAD_MS,
    ok: immediate.median_ms <= TARGET_OVERHEAD_MS,
  })}\n`,
);
