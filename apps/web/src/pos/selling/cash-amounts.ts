/** Round amounts a customer is likely to hand over: the next whole unit, 5, 10, 20, 50, 100. */
export function quickAmounts(total: number, unit = 100): number[] {
  const steps = [1, 5, 10, 20, 50, 100].map((s) => s * unit);
  const out = new Set<number>();
  for (const s of steps) {
    const next = Math.ceil(total / s) * s;
    if (next > total) out.add(next);
  }
  return [...out].toSorted((a, b) => a - b).slice(0, 4);
}
