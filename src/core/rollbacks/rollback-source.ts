/**
 * Where a rollback's release comes from on each host (seed 000 R6): the copy the agent
 * kept, or a fresh download verified against the registered sha256. Deciding this
 * before anything is touched lets a rollback that could not finish refuse at once.
 */
import type { Host, Instance } from '../types.js';

/**
 * Hosts of `instances` whose agent did not report `version` of `service` among its kept
 * releases (a host never heard from counts as missing it), sorted.
 *   kept {web1: [1.0]}, instances on web1 and web2, version 1.0 → [web2]
 */
export function hostsWithoutRelease(instances: readonly Instance[], hosts: readonly Host[], service: string, version: string): string[] {
  const byId = new Map(hosts.map((h) => [h.host, h]));
  const missing = new Set<string>();
  for (const instance of instances) {
    const kept = byId.get(instance.host)?.kept_releases[service] ?? [];
    if (!kept.includes(version)) missing.add(instance.host);
  }
  return [...missing].sort();
}
