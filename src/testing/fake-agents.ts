/**
 * Test support (not built): fake node agents with real behaviour. For each instance whose
 * goal generation is newer than the achieved one, an agent does what a node agent does
 * with a goal (install or reuse a kept release, switch, start, probe the version) and
 * reports an outcome for the goal's generation. Behaviours per host make installs fail,
 * reverts fail, hosts go silent or answer slowly. Nothing here reads a clock.
 */
import type { Instance, InstanceObservation } from '../core/types.js';

/** How one host's agent behaves. */
export interface AgentBehaviour {
  /** What installing a version the host never ran does. */
  install: 'succeeds' | 'sha256_mismatch' | 'version_mismatch';
  /** Install attempts that fail (download error, nothing switched) before `install` applies. */
  failFirst: number;
  /** Returning to a release kept on disk (a revert, a restart). */
  kept: 'succeeds' | 'fails';
  /** The agent never reports again (host down or partitioned). */
  silent: boolean;
  /** Agent ticks a goal takes before its outcome is reported. */
  latencyTicks: number;
  /** What the new package's version probe answers when `install` is `version_mismatch`. */
  probedVersion: string;
  /**
   * The service's verify checks on a version other than the one the instance first ran:
   * `always` fails them at install, `at_final_check` only when probed again in place.
   */
  verify: 'passes' | 'always' | 'at_final_check';
}

export const HEALTHY_AGENT: AgentBehaviour = { install: 'succeeds', failFirst: 0, kept: 'succeeds', silent: false, latencyTicks: 0, probedVersion: 'bogus', verify: 'passes' };

/** Agents for `instances`, healthy unless `overrides` says otherwise for an instance id. */
export function fakeAgents(instances: Iterable<Instance>, overrides: Record<string, Partial<AgentBehaviour>> = {}): FakeAgents {
  const behaviours = new Map(Object.entries(overrides).map(([id, b]) => [id, { ...HEALTHY_AGENT, ...b }]));
  return new FakeAgents(instances, behaviours);
}

interface AgentMemory {
  /** Releases on disk, ones this host ran, with what each one's version probe answers. */
  kept: Map<string, string>;
  /** Failed install attempts so far, counting toward `failFirst`. */
  failures: number;
  /** Generation being worked on and the tick work began. */
  working: { generation: number; since: number } | null;
  /** The release the instance's `current` link points at. */
  current: string | null;
  /** Versions whose `current` link this agent actually switched to, in order. */
  switchedTo: string[];
  /** The version the instance ran before any goal. */
  first: string | null;
}

/**
 * A fake node agent for a whole fleet. `tick` looks at every instance's goal and, when
 * its generation is newer than the achieved one, works on it as a real agent would.
 */
export class FakeAgents {
  private readonly memory = new Map<string, AgentMemory>();
  private ticks = 0;

  constructor(
    instances: Iterable<Instance>,
    private readonly behaviours: ReadonlyMap<string, AgentBehaviour> = new Map(),
  ) {
    for (const i of instances) {
      const kept = new Map<string, string>(i.observed?.version ? [[i.observed.version, i.observed.version]] : []);
      this.memory.set(i.instance_id, { kept, failures: 0, working: null, current: i.observed?.version ?? null, switchedTo: [], first: i.observed?.version ?? null });
    }
  }

  behaviourOf(instanceId: string): AgentBehaviour {
    return this.behaviours.get(instanceId) ?? HEALTHY_AGENT;
  }

  /** Every version the agent switched this instance's `current` link to. */
  switchedTo(instanceId: string): readonly string[] {
    return this.memory.get(instanceId)?.switchedTo ?? [];
  }

  /**
   * One agent tick on every host: the observations the agents report for the goals they
   * worked on (`instances` as the store holds them), which the caller records.
   */
  tick(instances: Iterable<Instance>, now: number): Array<{ instance_id: string; observation: InstanceObservation }> {
    this.ticks += 1;
    const reports: Array<{ instance_id: string; observation: InstanceObservation }> = [];
    for (const instance of instances) {
      const behaviour = this.behaviourOf(instance.instance_id);
      const memory = this.memory.get(instance.instance_id);
      if (behaviour.silent || memory === undefined) continue;
      const achieved = instance.observed?.achieved_generation ?? 0;
      if (instance.goal.generation <= achieved) continue;
      if (memory.working?.generation !== instance.goal.generation) memory.working = { generation: instance.goal.generation, since: this.ticks };
      if (this.ticks - memory.working.since < behaviour.latencyTicks) continue;
      memory.working = null;
      reports.push({ instance_id: instance.instance_id, observation: this.workOnGoal(instance, behaviour, memory, now) });
    }
    return reports;
  }

  private workOnGoal(instance: Instance, behaviour: AgentBehaviour, memory: AgentMemory, now: number): InstanceObservation {
    const { version, generation } = instance.goal;
    const previous = instance.observed;
    const report = (o: Omit<InstanceObservation, 'achieved_generation' | 'at'>): InstanceObservation => ({ ...o, achieved_generation: generation, at: now });
    const outcome = (ok: boolean, code: string | null, switched: boolean) => ({
      generation,
      ok,
      code,
      message: code === null ? null : `${code} on ${instance.instance_id} for ${version ?? 'stop'}`,
      switched,
    });
    const unchanged = { status: previous?.status ?? 'stopped', version: previous?.version ?? null, pid: previous?.pid ?? null } as const;
    if (version === null) return report({ status: 'stopped', version: null, pid: null, outcome: outcome(true, null, false) });
    const probed = memory.kept.get(version);
    if (probed !== undefined) {
      const switched = this.switchTo(memory, version);
      if (behaviour.kept === 'fails') return report({ status: 'crashed', version: null, pid: null, outcome: outcome(false, 'start_failed', switched) });
      if (!switched && version !== memory.first && behaviour.verify === 'at_final_check') {
        return report({ ...unchanged, outcome: outcome(false, 'verify_failed', false) });
      }
      const ok = probed === version;
      return report({ status: 'ready', version: probed, pid: (previous?.pid ?? 1000) + 1, outcome: outcome(ok, ok ? null : 'version_mismatch', switched) });
    }
    if (memory.failures < behaviour.failFirst) {
      memory.failures += 1;
      return report({ ...unchanged, outcome: outcome(false, 'download_failed', false) });
    }
    // A sha256 mismatch is caught before the switch: the old process keeps serving.
    if (behaviour.install === 'sha256_mismatch') return report({ ...unchanged, outcome: outcome(false, 'sha256_mismatch', false) });
    const answers = behaviour.install === 'version_mismatch' ? behaviour.probedVersion : version;
    memory.kept.set(version, answers);
    this.switchTo(memory, version);
    const pid = (previous?.pid ?? 1000) + 1;
    if (behaviour.install === 'version_mismatch') {
      return report({ status: 'ready', version: behaviour.probedVersion, pid, outcome: outcome(false, 'version_mismatch', true) });
    }
    if (behaviour.verify === 'always') return report({ status: 'ready', version, pid, outcome: outcome(false, 'verify_failed', true) });
    return report({ status: 'ready', version, pid, outcome: outcome(true, null, true) });
  }

  /** Points `current` at `version`; true when that changed it. */
  private switchTo(memory: AgentMemory, version: string): boolean {
    if (memory.current === version) return false;
    memory.current = version;
    memory.switchedTo.push(version);
    return true;
  }
}
