/**
 * The bounded wait a staging instance needs besides install and launch: for its health
 * path to answer 2xx, ending early when the process dies or the staging is withdrawn. (Its
 * port comes from transport/free-loopback-port.ts.)
 */
import type { ExitInfo } from '../drivers/process-driver.js';

const PROBE_EVERY_MS = 100;
const PROBE_TIMEOUT_MS = 1000;

export type HealthWait = { ok: true } | { ok: false; reason: string };

/** Polls `http://127.0.0.1:port{path}` until 2xx, the process exits, `signal` aborts, or `timeoutMs` passes. */
export async function waitForHealth(port: number, healthPath: string, timeoutMs: number, exited: Promise<ExitInfo>, signal: AbortSignal): Promise<HealthWait> {
  let exit: ExitInfo | null = null;
  void exited.then((info) => (exit = info));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (!signal.aborted) {
    if (exit !== null) return { ok: false, reason: `the staging process exited before it was ready (${describeExit(exit)})` };
    try {
      const res = await fetch(`http://127.0.0.1:${port}${healthPath}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      // Only the status matters: the body is cancelled, never read (a health page may stream forever).
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) return { ok: true };
      last = `${healthPath} answered ${res.status}`;
    } catch (err) {
      last = `${healthPath} did not answer (${(err as Error).message})`;
    }
    if (Date.now() >= deadline) return { ok: false, reason: `not ready within ${Math.round(timeoutMs / 1000)} s: ${last}` };
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
  return { ok: false, reason: 'withdrawn' };
}

function describeExit(exit: ExitInfo): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
}
