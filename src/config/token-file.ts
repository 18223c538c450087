/**
 * A file that holds a token (the generated `admin.token`, an agent's `--token-file`) must
 * be readable by its owner only: one the group or others may read or write is refused, not
 * fixed, because the token in it must be assumed known. Shared by the server and the agent.
 */

/** Why a token file with this mode is refused, saying how to fix it; null when the mode is private. */
export function exposedTokenFileProblem(file: string, mode: number): string | null {
  const bits = mode & 0o777;
  if ((bits & 0o077) === 0) return null;
  return `${file} is readable by other users (mode ${bits.toString(8).padStart(4, '0')}); run: chmod 600 ${file} (and rotate the token if others may have read it)`;
}
