/** TCP ports on 127.0.0.1 that nothing listens on right now (the kernel picks them). */
import { freeLoopbackPort } from '../transport/free-loopback-port.js';

export const freePort = freeLoopbackPort;

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
