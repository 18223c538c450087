/**
 * HTTPS to a Ferry server whose certificate is signed by a private CA. Node's global
 * `fetch` trusts only the system roots and takes no CA option, so when a CA file is
 * given the request goes through undici's own `fetch` with an `Agent` that trusts that
 * CA (and only it). undici is imported lazily: an agent or CLI run without a CA file
 * never loads it, which keeps start-up light.
 *
 * Shared by the agent (server calls and package downloads) and the CLI.
 */
import { readFile } from 'node:fs/promises';

/** What callers use in place of the global `fetch`. */
export type FetchFunction = typeof globalThis.fetch;

/**
 * A fetch that verifies https servers against the PEM certificates in `caFile`, or the
 * global fetch (system roots) when no file is given. Throws when the file cannot be read:
 * a CA named but missing is a configuration error the caller reports at start-up.
 */
export async function fetchWithCa(caFile?: string): Promise<FetchFunction> {
  if (caFile === undefined || caFile === '') return globalThis.fetch;
  const ca = await readCaFile(caFile);
  const undici = await import('undici');
  const dispatcher = new undici.Agent({ connect: { ca } });
  return ((input: Parameters<FetchFunction>[0], init?: Parameters<FetchFunction>[1]) =>
    undici.fetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as FetchFunction;
}

/** The PEM text of a CA file, for TLS clients that take `ca` directly (node:https). */
export async function readCaFile(caFile: string): Promise<string> {
  try {
    return await readFile(caFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read CA file ${caFile}: ${(err as Error).message}`);
  }
}
