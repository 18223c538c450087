/**
 * The staging side of the agent protocol: what a host's agent should run for replays
 * (its assignments' `staging` list), and what it reports back in heartbeats. A staging
 * entry is listed only while its replay wants it, so withdrawing it (the run finished)
 * is what tells the agent to stop the process.
 */
import type { StagingAssignment, StagingReport } from '../../../core/agent-protocol.js';
import type { Replay } from '../../../core/replay/replay-record.js';
import type { Store } from '../../../store/store.js';
import type { ReplayConfig } from './replay-config.js';

/** The bounds a staging entry carries to the agent. */
export type StagingBounds = Pick<ReplayConfig, 'stagingReadyTimeoutS' | 'stagingLifetimeS'>;

/** The staging instances `host` should run now, oldest replay first, with the server's replay bounds (`ctx.replay`). */
export async function stagingAssignmentsFor(store: Store, host: string, config: StagingBounds): Promise<StagingAssignment[]> {
  const replays = await store.listReplays({ stagingHost: host, oldestFirst: true, limit: 50 });
  const out: StagingAssignment[] = [];
  for (const replay of replays) {
    const [service, release] = await Promise.all([store.getService(replay.service), store.getRelease(replay.service, replay.version)]);
    if (service === undefined || release === undefined) continue;
    out.push({
      staging_id: replay.replay_id,
      service: service.name,
      version: replay.version,
      start: service.start,
      env: service.env,
      health_path: service.health_path,
      version_path: service.version_path,
      release: { package_url: release.package_url, sha256: release.sha256 },
      ready_timeout_s: config.stagingReadyTimeoutS,
      lifetime_s: config.stagingLifetimeS,
    });
  }
  return out;
}

/** Stores what the agent of `host` said about the staging instances it runs; a report for another host's or a finished replay is ignored. */
export async function recordStagingReports(store: Store, host: string, reports: StagingReport[]): Promise<void> {
  for (const report of reports) {
    const replay = await store.getReplay(report.staging_id);
    if (!isLiveStagingOf(replay, host)) continue;
    const staging = replay.staging;
    if (staging.status === report.status && staging.port === report.port && staging.reason === report.reason) continue;
    await store.updateReplay(replay.replay_id, { staging: { ...staging, status: report.status, port: report.port, reason: report.reason } });
  }
}

function isLiveStagingOf(replay: Replay | undefined, host: string): replay is Replay & { staging: NonNullable<Replay['staging']> } {
  return replay !== undefined && replay.status === 'running' && replay.staging !== null && replay.staging.host === host && replay.staging.wanted;
}
