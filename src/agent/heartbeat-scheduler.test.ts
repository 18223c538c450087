import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_DEBOUNCE_MS, HeartbeatScheduler } from './heartbeat-scheduler.js';

describe('HeartbeatScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('collapses pokes within the debounce into one send, soon after the first', async () => {
    let sends = 0;
    const scheduler = new HeartbeatScheduler(async () => void sends++, 60_000);
    await scheduler.start();
    expect(sends).toBe(1);
    scheduler.poke();
    scheduler.poke();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEBOUNCE_MS - 1);
    scheduler.poke();
    expect(sends).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sends).toBe(2);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEBOUNCE_MS * 10);
    expect(sends).toBe(2);
    await scheduler.close();
  });

  it('never overlaps sends: changes during a send cause exactly one more send after it', async () => {
    let sends = 0;
    let finish: () => void = () => undefined;
    const scheduler = new HeartbeatScheduler(() => {
      sends++;
      return new Promise<void>((resolve) => (finish = resolve));
    }, 60_000);
    const first = scheduler.start();
    scheduler.poke();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEBOUNCE_MS);
    scheduler.poke();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEBOUNCE_MS);
    expect(sends).toBe(1);
    finish();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    expect(sends).toBe(2);
    finish();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEBOUNCE_MS * 10);
    expect(sends).toBe(2);
    await scheduler.close();
  });

  it('sends a goal outcome at once, taking a pending debounced send with it', async () => {
    let sends = 0;
    const scheduler = new HeartbeatScheduler(async () => void sends++, 60_000);
    await scheduler.start();
    scheduler.poke();
    scheduler.poke(true);
    expect(sends).toBe(2);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_DEBOUNCE_MS * 10);
    expect(sends).toBe(2);
    await scheduler.close();
  });
});
