/**
 * Stops an instance the way an operator would: SIGTERM to its whole process group (the
 * shell and everything it started), a grace period to finish in-flight work, then SIGKILL.
 */
import { isAlive, isGroupAlive, signalGroup, type ProcessIdentity } from './process-liveness.js';

/** After SIGKILL, how long to wait for the kernel to tear the group down. */
const KILL_WAIT_MS = 5000;

/** Resolves once the group is gone; true when SIGKILL was needed. */
export async function stopProcessGroup(leader: ProcessIdentity, graceMs: number): Promise<boolean> {
  const gone = (): boolean => !isAlive(leader) && !isGroupAlive(leader.pid);
  signalGroup(leader.pid, 'SIGTERM');
  if (await waitUntil(gone, graceMs)) return false;
  signalGroup(leader.pid, 'SIGKILL');
  await waitUntil(gone, KILL_WAIT_MS);
  return true;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
