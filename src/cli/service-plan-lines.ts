/**
 * The lines `ferry service put` shows for the server's plan of a PUT (CONTRACT §2
 * Services, `?dry_run=true`): one line per instance added or removed and per setting
 * changed. Env values never appear, only the names of the keys that change.
 *   + add     web-h1-7003 (h1:7003)
 *   - remove  web-h1-7002 (h1:7002, running 1.0.0)
 *   ~ change  drain_s: 0 → 10
 *   ~ change  env: API_KEY (values not shown)
 */
export interface ServicePlanView {
  service: string;
  creates_service: boolean;
  added: Array<{ instance_id: string; host: string; port: number }>;
  removed: Array<{ instance_id: string; host: string; port: number; version: string | null }>;
  unchanged: string[];
  settings: Array<{ field: string; before?: unknown; after?: unknown; changed_keys?: string[] }>;
  warnings: string[];
  changes: boolean;
}

export function servicePlanLines(plan: ServicePlanView): string[] {
  const head = plan.creates_service ? `plan: create service ${plan.service}` : `plan for service ${plan.service}:`;
  if (!plan.changes) return [`plan for service ${plan.service}: no changes (${plan.unchanged.length} instance(s) kept)`];
  const lines = [head];
  for (const a of plan.added) lines.push(`  + add     ${a.instance_id} (${a.host}:${a.port})`);
  for (const r of plan.removed) lines.push(`  - remove  ${r.instance_id} (${r.host}:${r.port}${r.version ? `, running ${r.version}` : ''}): drained and stopped`);
  if (!plan.creates_service) {
    for (const s of plan.settings) {
      lines.push(s.changed_keys !== undefined ? `  ~ change  env: ${s.changed_keys.join(', ')} (values not shown)` : `  ~ change  ${s.field}: ${shown(s.before)} → ${shown(s.after)}`);
    }
  }
  if (plan.unchanged.length > 0) lines.push(`  = keep    ${plan.unchanged.length} instance(s)`);
  return lines;
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
