/**
 * HTTPS to a Ferry server whose certificate is signed by a private CA. Node's global
 * `fetch` trusts only the system roots and takes no CA option, so when a CA file is
 * given the request goes through undici's own `fetch` with an `Agent` that trusts that
 * CA (and only it). undici is imported lazily: an agent or CLI run without a CA file
 * never loads it, which keeps start-up light.
 *
 * The agent uses both (server calls; the PEM also goes to package downloads); the CLI reads the CA file with `readCaFile`.
 */
import { readFile } from 'node:fs/promises';

/** What callers use in place of the global `fetch`. */
export type FetchFunction = typeof globalThis.fetch;

/**
 * A fetch that verifies https servers against the PEM certificates `ca` (read once with
 * `readCaFile`, and shared with the package downloads), or the global fetch (system roots)
 * when none is given.
 */
export async function fetchTrusting(ca: string | undefined): Promise<FetchFunction> {
  if (ca === undefined) return globalThis.fetch;
  const undici = await import('undici');
  const dispatcher = new undici.Agent({ connect: { ca } });
  return ((input: Parameters<FetchFunction>[0], init?: Parameters<FetchFunction>[1]) =>
    undici.fetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as FetchFunction;
}

/** The PEM text of a CA file; throws a message naming the file when it cannot be read (a configuration error reported at start-up). */
export async function readCaFile(caFile: string): Promise<string> {
  try {
    return await readFile(caFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read CA file ${caFile}: ${(err as Error).message}`);
  }
}
