/**
 * `ferry demo` / `npm run demo`: Ferry's main job end to end on the embedded default.
 * A real server on a temporary SQLite store, one local agent and six hello-service
 * instances as real processes, through the story in demo-story.ts, each step timed.
 * Exits 0 and leaves no process behind.
 */
import { LocalFleet } from '../local-fleet/local-fleet.js';
import { ANY_SERVICE } from './any-service-step.js';
import { demoStory, HOST, SERVICE } from './demo-story.js';
import type { Step } from './demo-step.js';

export async function runDemo(): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const step = timedSteps(say);
  say('Ferry demo: one server (SQLite), one agent, six hello-service instances on 127.0.0.1\n');
  const fleet = await step('start ferry server and agent', async () => {
    // Alerts evaluated every second (default 5 s), so the demo shows its P0 without waiting.
    const started = await LocalFleet.start({ hosts: [HOST], env: { FERRY_ALERT_EVAL_MS: '1000' } });
    return { value: started, note: `server ${started.server.url}, agent "${HOST}"` };
  });
  try {
    await demoStory(fleet, step, say);
    say('\nDone: every instance was verified on its version: hello by its own /version probe, web by its process.');
    return 0;
  } catch (err) {
    say(`\nDemo failed: ${(err as Error).message}\nserver log: ${fleet.server.logFile}`);
    return 1;
  } finally {
    await step('stop instances, agent and server', async () => {
      await fleet.stop([SERVICE, ANY_SERVICE]);
      return { value: undefined, note: 'no process left behind' };
    });
  }
}

function timedSteps(say: (line: string) => void): Step {
  let n = 0;
  return async (title, run) => {
    n += 1;
    const started = performance.now();
    const { value, note } = await run();
    const ms = Math.round(performance.now() - started);
    say(`${String(n).padStart(2)}. ${title.padEnd(52)} ${String(ms).padStart(6)} ms  ${note}`);
    return value;
  };
}
