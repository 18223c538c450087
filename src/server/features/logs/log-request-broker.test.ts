import { describe, expect, it } from 'vitest';
import { InProcessWakeSignal } from '../../in-process-wake-signal.js';
import { LogRequestBroker } from './log-request-broker.js';

const asked = { instance_id: 'web-h1-7001', service: 'web', lines: 10, after: null, max_bytes: 1024 };
const answer = { lines: ['hi'], next_after: 3, truncated: false, error: null };

describe('LogRequestBroker', () => {
  it('lists a request for its host only, and only that host may answer it', async () => {
    const broker = new LogRequestBroker(new InProcessWakeSignal());
    const pending = broker.ask('h1', asked, 5000);
    const [request] = broker.pendingFor('h1');
    expect(broker.pendingFor('h2')).toEqual([]);
    expect(broker.answer('h2', request!.request_id, answer)).toBe(false);
    expect(broker.answer('h1', request!.request_id, answer)).toBe(true);
    expect(await pending).toEqual(answer);
    expect(broker.pendingFor('h1')).toEqual([]);
    expect(broker.answer('h1', request!.request_id, answer)).toBe(false);
  });

  it('gives up after the timeout and forgets the request', async () => {
    const broker = new LogRequestBroker(new InProcessWakeSignal());
    expect(await broker.ask('h1', asked, 10)).toBeNull();
    expect(broker.pendingFor('h1')).toEqual([]);
  });

  it('wakes the host when a request arrives', async () => {
    const wake = new InProcessWakeSignal();
    const broker = new LogRequestBroker(wake);
    const woken = wake.waitForHost('h1', 5000).then(() => 'woken');
    void broker.ask('h1', asked, 20);
    expect(await woken).toBe('woken');
  });
});
