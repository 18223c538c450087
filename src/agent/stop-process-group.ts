/**
 * Stops an instance the way an operator would: SIGTERM to its whole process group (the
 * shell and everything it started), a grace period to finish in-flight work, then SIGKILL.
 */
import { groupExists, isAlive, isLiveMember, liveGroupMembers, signalGroup, type ProcessIdentity } from './process-liveness.js';

/** After SIGKILL, how long to wait for the kernel to tear the group down. */
const KILL_WAIT_MS = 5000;
/**
 * Between checks of the members already known (one stat each): a stop is on the critical
 * path of every rollout batch, so its end is noticed within a few ms.
 */
const POLL_MS = 5;
/**
 * Between full scans of /proc (several ms of synchronous reads even on a small host),
 * which find members forked since the last scan. One more scan confirms the end.
 */
const RESCAN_MS = 100;

/** Resolves once the group is gone; true when SIGKILL was needed. */
export async function stopProcessGroup(leader: ProcessIdentity, graceMs: number): Promise<boolean> {
  signalGroup(leader.pid, 'SIGTERM');
  if (await waitUntilGone(leader, graceMs)) return false;
  signalGroup(leader.pid, 'SIGKILL');
  await waitUntilGone(leader, KILL_WAIT_MS);
  return true;
}

/**
 * True once neither the leader nor any live member of its group remains (zombies do not
 * count); false at the deadline. Polls the members it knows cheaply and scans /proc only
 * every RESCAN_MS and to confirm, so the end is seen within ~POLL_MS.
 */
async function waitUntilGone(leader: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const pgid = leader.pid;
  const deadline = Date.now() + timeoutMs;
  let members = liveGroupMembers(pgid);
  let lastScan = Date.now();
  for (;;) {
    members = members.filter((pid) => isLiveMember(pid, pgid));
    if (members.length === 0 && !isAlive(leader)) {
      // Every known member has gone: confirm, unless the group is gone even of zombies.
      if (!groupExists(pgid)) return true;
      members = liveGroupMembers(pgid);
      lastScan = Date.now();
      if (members.length === 0) return true;
    } else if (Date.now() - lastScan >= RESCAN_MS) {
      members = liveGroupMembers(pgid);
      lastScan = Date.now();
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
