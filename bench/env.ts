// Settings of the benches from the environment, checked: a typo fails loudly instead of running
// a different bench than the one asked for.

/** An integer setting from `min` to `max`; `fallback` when unset or empty. */
export function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return n;
}
