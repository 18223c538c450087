/** One timed step of the demo's story: it runs, and its line says what happened (its `note`). */
export type Step = <T>(title: string, run: () => Promise<{ value: T; note: string }>) => Promise<T>;
