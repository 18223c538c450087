#!/usr/bin/env node
/**
 * Bench support: the OTLP/HTTP receiver of ./otlp-receiver.mjs in a process of its own,
 * so decoding thousands of spans a second never runs on the load generator's event loop
 * (a collector is another process in production too). Started with an IPC channel by
 * `startOtlpReceiverProcess`; it keeps only a count of spans, so memory stays flat.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver } from './otlp-receiver.mjs';

const self = fileURLToPath(import.meta.url);

/** Forks this file; resolves once the receiver listens. `spans()` asks the child for its count. */
export async function startOtlpReceiverProcess() {
  const child = fork(self, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const endpoint = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message.endpoint));
    child.once('exit', (code) => reject(new Error(`OTLP receiver exited with code ${code} before listening`)));
  });
  return {
    endpoint,
    pid: child.pid,
    spans: () => new Promise((resolve) => {
      child.once('message', (message) => resolve(message.spans));
      child.send('count');
    }),
    close: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

if (process.argv[2] === '--child') {
  const receiver = await startOtlpReceiver();
  let counted = 0;
  const drain = () => {
    counted += receiver.spans.length;
    receiver.spans.length = 0;
  };
  const timer = setInterval(drain, 200);
  process.on('message', () => {
    drain();
    process.send({ spans: counted });
  });
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void receiver.close().then(() => process.exit(0));
  });
  process.send({ endpoint: receiver.endpoint });
}
