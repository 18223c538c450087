/**
 * Version proofs end to end (issue 14): a real server, agent and hello-service instances.
 * With `version_check: {type: "process"}` the agent proves from /proc which release the
 * process on each port runs; a program someone else started on an instance's port is
 * drifted (`foreign_listener`) and quarantined, and the instance returns once the port is
 * free; a start that runs from outside its release fails (`outside_release`); and a
 * healthy service whose version path is missing fails within seconds (`version_unavailable`),
 * not at its 120 s health deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { signalGroup } from '../../src/agent/process-liveness.js';
import { PortSquatter } from '../../src/testing/port-squatter.js';
import { HelloService } from './rollout-support.js';

const PROCESS = { version_check: { type: 'process' } };
let fleet: LocalFleet;
let proven: HelloService;
const squatters: PortSquatter[] = [];

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'], env: { FERRY_HEARTBEAT_S: '1', FERRY_PROBE_INTERVAL_MS: '200' } });
  proven = await HelloService.declare(fleet, 'proven', 2, PROCESS);
  await proven.release('1.0.0');
}, 60_000);

afterAll(async () => {
  for (const squatter of squatters) await squatter.stop();
  await fleet?.stop(['proven', 'elsewhere', 'noversion']);
}, 60_000);

async function versionsOf(service: string): Promise<any> {
  return fleet.api.get(`/api/v1/services/${service}/versions`);
}

describe('version proofs end to end', () => {
  it('deploys with a process proof, drifts and quarantines an instance whose port someone else took, and brings it back', async () => {
    expect((await proven.deployAndWait('1.0.0')).status).toBe('succeeded');
    const shown = await pollUntil('both instances proven by process', async () => {
      const view = await versionsOf('proven');
      return view.instances.every((i: any) => i.version === '1.0.0' && i.version_source?.type === 'process') ? view : undefined;
    }, { timeoutMs: 10_000 });
    expect(shown.instances.map((i: any) => i.version_source.detail)).toEqual(expect.arrayContaining([expect.stringMatching(/^pid \d+ \(node\) listens on :\d+, cwd and script in releases\/1\.0\.0$/)]));

    const port = proven.ports[0]!;
    const id = proven.instanceId(port);
    const squatter = await PortSquatter.start(port);
    squatters.push(squatter);
    signalGroup(proven.pids()[port]!, 'SIGKILL');
    const drifted = await pollUntil(`${id} quarantined for a foreign listener`, async () => {
      const instance = (await versionsOf('proven')).instances.find((i: any) => i.instance_id === id);
      return instance?.status === 'quarantined' && instance.drift_reason?.code === 'foreign_listener' ? instance : undefined;
    }, { timeoutMs: 15_000 });
    expect(drifted.drift_reason.message).toContain(`pid ${squatter.pid} (node) listens on :${port}`);
    expect(drifted.drift_reason.message).not.toContain('\n');
    expect(drifted.drifted).toBe(true);

    await squatter.stop();
    await pollUntil(`${id} back on 1.0.0, proven and in service`, async () => {
      const view = await versionsOf('proven');
      const instance = view.instances.find((i: any) => i.instance_id === id);
      return instance?.status === 'ready' && instance.version === '1.0.0' && instance.version_source?.type === 'process' && view.drift_count === 0 ? true : undefined;
    }, { timeoutMs: 20_000 });
    const { events } = await fleet.api.get(`/api/v1/audit?service=proven`);
    expect(events.filter((e: any) => e.instance_id === id).map((e: any) => e.type)).toEqual(expect.arrayContaining(['version_mismatch_detected', 'instance_quarantined']));
  }, 45_000);

  it('fails a start that runs outside its release with outside_release, and a missing version path fast with version_unavailable', async () => {
    const elsewhere = await HelloService.declare(fleet, 'elsewhere', 1, { ...PROCESS, start: 'cd / && exec node "$OLDPWD/server.js"' });
    const noversion = await HelloService.declare(fleet, 'noversion', 1, { version_path: '/nope' });
    await Promise.all([elsewhere.release('1.0.0'), noversion.release('1.0.0')]);
    // The health deadline stays the default 120 s: only failing fast ends this within the test's time.
    const [outside, unavailable] = await Promise.all([elsewhere.deployAndWait('1.0.0'), noversion.deployAndWait('1.0.0')]);
    expect(outside.status).not.toBe('succeeded');
    expect(JSON.stringify(outside)).toContain('outside_release');
    expect(outside.reason.message).toContain('runs from /, outside');
    expect(unavailable.status).not.toBe('succeeded');
    expect(JSON.stringify(unavailable)).toContain('version_unavailable');
    expect(unavailable.reason.message).toContain('answered 404 on /nope');
    expect(unavailable.reason.message).toContain('"version_check": {"type": "process"}');
  }, 30_000);
});
