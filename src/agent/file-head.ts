/**
 * The first bytes of a file, for the agent's reads of `/proc` and of programs: bounded,
 * synchronous (each is a few microseconds of kernel work), and null instead of an error
 * when the file cannot be read (a process that ended, one that is not ours to read).
 */
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 16 * 1024;

/** Up to `maxBytes` from the start of `file`, or null when it cannot be opened or read. */
export function readFileHead(file: string, maxBytes: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    while (size < maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes - size));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      size += read;
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
