/** Whether something accepts TCP connections on 127.0.0.1:`port` now: what a fixture polls for after starting a server. */
import { connect } from 'node:net';

export function loopbackAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = connect({ host: '127.0.0.1', port });
    connection.once('connect', () => {
      connection.destroy();
      resolve(true);
    });
    connection.once('error', () => resolve(false));
  });
}
