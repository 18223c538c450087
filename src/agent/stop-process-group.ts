/**
 * Stops an instance the way an operator would: SIGTERM to its whole process group (the
 * shell and everything it started), a grace period to finish in-flight work, then SIGKILL.
 */
import { groupExists, isAlive, isLiveMember, liveGroupMembers, signalGroup, type ProcessIdentity } from './process-liveness.js';

/** After SIGKILL, how long to wait for the kernel to tear the group down. */
const KILL_WAIT_MS = 5000;
/**
 * Between cheap checks (one kill(2) and at most a few stats): a stop is on the critical
 * path of every rollout batch, so its end is noticed within a few ms.
 */
const POLL_MS = 5;
/**
 * Between full scans of /proc once the leader is gone but its group lingers. A scan reads
 * every /proc/<pid>/stat synchronously (~3 ms on a small host), so it never runs while the
 * leader lives: the agent's other work (probes of instances starting in the same batch)
 * would wait for it.
 */
const RESCAN_MS = 100;

/**
 * Resolves once the group is gone; true when SIGKILL was needed. `leaderExited`, when the
 * leader is the agent's own child, resolves as soon as it is reaped and ends the current
 * wait between checks early. `now` is the clock the grace and the kill wait are measured on.
 */
export async function stopProcessGroup(leader: ProcessIdentity, graceMs: number, leaderExited?: Promise<unknown>, now: () => number = Date.now): Promise<boolean> {
  signalGroup(leader.pid, 'SIGTERM');
  if (await waitUntilGone(leader, graceMs, now, leaderExited)) return false;
  signalGroup(leader.pid, 'SIGKILL');
  await waitUntilGone(leader, KILL_WAIT_MS, now, leaderExited);
  return true;
}

/**
 * True once neither the leader nor any live member of its group remains (zombies do not
 * count); false at the deadline. While the leader lives, only it is checked: the group
 * ends when it does in the usual case (the leader was our child and is reaped, so
 * kill(-pgid, 0) fails). Members that outlive it (forked children, zombies no init reaps)
 * are found by a scan of /proc and then polled one by one, with a rescan every RESCAN_MS
 * for members they forked meanwhile.
 */
async function waitUntilGone(leader: ProcessIdentity, timeoutMs: number, now: () => number, leaderExited?: Promise<unknown>): Promise<boolean> {
  const pgid = leader.pid;
  const deadline = now() + timeoutMs;
  let members: number[] = []; // live members, as of the last scan, less those seen gone since
  let lastScan = -Infinity;
  let leaderSeenGone = false;
  let exitHeard = false; // after that, `leaderExited` no longer shortens the pauses
  const heard = (): void => void (exitHeard = true);
  leaderExited?.then(heard, heard);
  for (;;) {
    if (!groupExists(pgid)) return true;
    if (leaderSeenGone) {
      members = members.filter((pid) => isLiveMember(pid, pgid));
      if (members.length === 0 || now() - lastScan >= RESCAN_MS) {
        members = liveGroupMembers(pgid);
        lastScan = now();
        if (members.length === 0) return true;
      }
    } else if (!isAlive(leader)) {
      // A leader that is our child stays a zombie until the event loop reaps it (and the
      // group is gone): one more poll before scanning for members that outlive it.
      leaderSeenGone = true;
    }
    if (now() >= deadline) return false;
    await pause(POLL_MS, exitHeard ? undefined : leaderExited);
  }
}

/** Waits `ms`, or less if `early` settles first. */
function pause(ms: number, early: Promise<unknown> | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    early?.then(done, done);
  });
}
