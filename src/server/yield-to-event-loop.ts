/**
 * Lets the event loop run its pending I/O (HTTP requests, heartbeats) before the caller
 * goes on. The store's SQLite driver is synchronous, so a chain of awaited store reads
 * never gives the loop a turn by itself: a long periodic pass (drift over every service,
 * the alert snapshot, the fleet gauges) awaits this between slices of its work, and no
 * request waits for a whole pass.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
