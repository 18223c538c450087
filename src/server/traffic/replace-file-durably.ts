/**
 * Replaces a configuration file so that a reader (nginx at its next reload, or after a
 * power cut) sees the old content or the new, never a torn one: the new content goes to a
 * temporary file in the same directory (a rename is only atomic within one file system),
 * is synced to disk, then renamed over the file, and the directory is synced so the
 * rename itself survives a crash.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function replaceFileDurably(file: string, content: string): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.ferry-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** The file's content, or null when it does not exist (other errors throw). */
export async function readFileIfPresent(file: string, maxBytes: number): Promise<string | null> {
  try {
    if ((await stat(file)).size > maxBytes) throw new Error(`${file} is larger than ${maxBytes} bytes`);
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
