/**
 * Shared by the benchmarks (this folder is not a benchmark itself: run-all only runs
 * bench/*.mjs). The floor a rollout cannot beat: how long one plain instance of the
 * package takes to stop and to start, measured without Ferry on the same machine in the
 * same run.
 */
import { spawn } from 'node:child_process';
import { freePort } from '../../dist/local-fleet/free-port.js';
import { pollUntil } from '../../dist/local-fleet/poll-until.js';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const round = (ms) => Math.round(ms * 10) / 10;

/** Polls GET /healthz every 2 ms until it answers 2xx. */
export async function waitReady(port, timeoutMs = 30_000) {
  await pollUntil(`the instance on port ${port} to be ready`, async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), { timeoutMs, intervalMs: 2 });
}

/**
 * The environment an agent gives an instance: PATH and HOME, then PORT (see
 * src/agent/process-launcher.ts). The floor must not inherit this process's whole
 * environment: NODE_OPTIONS or NODE_EXTRA_CA_CERTS there (the latter loads a CA bundle
 * at start-up, ~150 ms on a 2-core machine) would slow the plain process but not
 * Ferry's instances, and inflate the floor.
 */
export function instanceLikeEnv(port) {
  const env = { PORT: String(port) };
  if (process.env.PATH !== undefined) env.PATH = process.env.PATH;
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  return env;
}

/**
 * One instance's spawn-to-ready (plain `node server.js` in `dir` with PORT set, /healthz
 * polled until 200) and stop (SIGTERM until the process has exited).
 */
export async function stopPlusReadyOnce(dir) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['server.js'], { cwd: dir, env: instanceLikeEnv(port), stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await waitReady(port);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const ready = performance.now() - started;
  const stopStarted = performance.now();
  child.kill('SIGTERM');
  await exited;
  const stop = performance.now() - stopStarted;
  return { ready, stop, total: ready + stop };
}

/**
 * Runs `stop` (tearing the fleet down) at most once: from the benchmark's own `finally`,
 * or on SIGINT/SIGTERM (Ctrl-C, or run-all passing a signal on), after which the process
 * exits 130. Without this a signal would end the benchmark with its instances still running.
 */
export function stopOnSignal(stop) {
  let stopping = null;
  const once = () => (stopping ??= stop());
  for (const signal of ['SIGINT', 'SIGTERM']) {
    // `on`, not `once`: Ctrl-C under run-all delivers SIGINT twice (from the terminal and
    // passed on), and a second one must not cut the teardown short.
    process.on(signal, () => {
      if (stopping !== null) return;
      process.stderr.write(`${signal}: stopping the fleet\n`);
      once().catch(() => undefined).finally(() => process.exit(130));
    });
  }
  return once;
}
