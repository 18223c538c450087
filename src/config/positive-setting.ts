/** A positive number from the environment variable `name`, or `fallback` when unset; anything else stops the start, naming the variable. */
export function positiveSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw.slice(0, 40)}"`);
  return value;
}

/** Like positiveSetting, but a value that is not a positive number falls back to `fallback` instead of stopping the start (the replay and analysis bounds). */
export function positiveOrDefault(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
