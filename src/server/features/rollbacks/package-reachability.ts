/**
 * Whether a registered package can still be fetched, asked before a rollback that needs
 * a download: a file that exists, or an http(s) URL answering HEAD with 2xx. Only
 * reachability; the agent still verifies sha256 on the bytes it downloads.
 */
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const HEAD_TIMEOUT_MS = 3000;

export async function packageUnreachable(packageUrl: string): Promise<string | null> {
  try {
    const url = new URL(packageUrl);
    if (url.protocol === 'file:') {
      await access(fileURLToPath(url));
      return null;
    }
    const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(HEAD_TIMEOUT_MS) });
    return res.ok ? null : `${packageUrl} answered HTTP ${res.status}`;
  } catch (err) {
    return `${packageUrl} cannot be fetched (${(err as Error).message})`;
  }
}
