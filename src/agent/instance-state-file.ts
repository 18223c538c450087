/**
 * `state.json`: what the agent finished for an instance. It is written (atomically)
 * before the outcome is reported, so an agent restarted at any moment neither redoes
 * finished work nor forgets where to return if an interrupted switch must be undone.
 */
import { mkdirSync } from 'node:fs';
import type { GoalOutcome } from '../core/types.js';
import { readJsonFile, writeFileAtomic } from './atomic-write.js';
import { stateFile } from './host-layout.js';

export interface InstanceState {
  /** Latest goal generation finished, successfully or not. */
  achieved_generation: number;
  outcome: GoalOutcome | null;
  /** Whether a process should run from `current`; false after a stop or a failed first start. */
  run: boolean;
  /**
   * Set from just before the old process stops until the goal's outcome is written: the
   * release `current` pointed at before, so a redo after a crash can still return there.
   */
  switching: { generation: number; from: string | null } | null;
}

export const EMPTY_INSTANCE_STATE: InstanceState = { achieved_generation: 0, outcome: null, run: false, switching: null };

/** The instance's state, or the empty state when it has none yet. */
export async function readInstanceState(instanceDirPath: string): Promise<InstanceState> {
  const raw = (await readJsonFile(stateFile(instanceDirPath))) as Partial<InstanceState> | null;
  if (raw === null || typeof raw.achieved_generation !== 'number') return { ...EMPTY_INSTANCE_STATE };
  return {
    achieved_generation: raw.achieved_generation,
    outcome: raw.outcome ?? null,
    run: raw.run === true,
    switching: raw.switching ?? null,
  };
}

/** Synchronous, like every small agent file (see atomic-write.ts). */
export function writeInstanceState(instanceDirPath: string, state: InstanceState): void {
  mkdirSync(instanceDirPath, { recursive: true });
  writeFileAtomic(stateFile(instanceDirPath), `${JSON.stringify(state, null, 2)}\n`);
}
