import { describe, expect, it } from 'vitest';
import { CoalescingRun } from './coalescing-run.js';

/** A job whose runs end only when the test lets them, so asks can land while one runs. */
function gatedJob() {
  const gates: Array<() => void> = [];
  let runs = 0;
  const job = () => {
    runs += 1;
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  return { job, runs: () => runs, release: () => gates.shift()?.() };
}

describe('CoalescingRun', () => {
  it('runs at once, and any number of asks during a run make one rerun', async () => {
    const gated = gatedJob();
    const run = new CoalescingRun(gated.job, () => true);
    run.request();
    expect(gated.runs()).toBe(1);
    run.request();
    run.request();
    run.request();
    gated.release();
    await new Promise(setImmediate); // every promise callback the release queued has run
    expect(gated.runs()).toBe(2);
    const done = run.running;
    gated.release();
    await done;
    expect(gated.runs()).toBe(2);
    expect(run.running).toBeUndefined();
  });

  it('asks goOn before a rerun: false ends the runs', async () => {
    const gated = gatedJob();
    let goOn = true;
    const run = new CoalescingRun(gated.job, () => goOn);
    run.request();
    run.request();
    goOn = false;
    const done = run.running;
    gated.release();
    await done;
    expect(gated.runs()).toBe(1);
  });
});
