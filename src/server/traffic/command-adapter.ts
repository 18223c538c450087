/**
 * The `command` traffic adapter (CONTRACT §5): for every changed instance, the operator's
 * argv with each element rendered over the traffic placeholders, run without a shell
 * (run-bounded-argv.ts), one instance after the other in `desired`'s order. Exit status 0
 * is success; anything else is that instance's error.
 *
 * `{action}` is `weight` when only the weight changed since this adapter last applied the
 * instance, else `ready` or `drain`: the adapter remembers what it applied, and after a
 * restart (nothing remembered) says the whole state, which a command can always be run
 * with again. A command tells Ferry nothing back: no connection counts, nothing observed.
 */
import { basename } from 'node:path';
import { trafficAction, trafficTemplateValues, type TrafficState } from '../../core/traffic/traffic-action.js';
import type { CommandTrafficSpec } from '../../core/traffic/traffic-spec.js';
import { renderTemplate } from '../../core/traffic/traffic-templates.js';
import { changedTargets } from './changed-targets.js';
import { describeFailedRun, runBoundedArgv } from './run-bounded-argv.js';
import type { DesiredTraffic, TrafficAdapter, TrafficResult } from './traffic-adapter.js';

export const DEFAULT_COMMAND_TIMEOUT_S = 10;

/** The argv for one change to `target`. */
export function commandArgv(template: readonly string[], target: DesiredTraffic, previous: TrafficState | undefined): string[] {
  const values = trafficTemplateValues(target, target.weight, trafficAction(previous, target));
  return template.map((element) => renderTemplate(element, values));
}

export class CommandTrafficAdapter implements TrafficAdapter {
  private readonly applied = new Map<string, TrafficState>();
  private readonly timeoutMs: number;

  constructor(private readonly spec: CommandTrafficSpec) {
    this.timeoutMs = (spec.timeout_s ?? DEFAULT_COMMAND_TIMEOUT_S) * 1000;
  }

  async apply(desired: readonly DesiredTraffic[], changed: ReadonlySet<string>): Promise<Map<string, TrafficResult>> {
    const { targets, unknown: results } = changedTargets(desired, changed);
    for (const target of targets) {
      const argv = commandArgv(this.spec.command, target, this.applied.get(target.instance_id));
      const run = await runBoundedArgv(argv, { timeoutMs: this.timeoutMs });
      const failure = describeFailedRun(basename(argv[0] ?? ''), run, this.timeoutMs);
      if (failure === null) {
        this.applied.set(target.instance_id, { state: target.state, weight: target.weight });
        results.set(target.instance_id, { ok: true });
      } else {
        // What the balancer has now is unknown: the next change says the whole state.
        this.applied.delete(target.instance_id);
        results.set(target.instance_id, { ok: false, error: failure });
      }
    }
    return results;
  }

  async activeConnections(): Promise<undefined> {
    return undefined;
  }

  async observe(): Promise<undefined> {
    return undefined;
  }
}
