import { describe, expect, it } from 'vitest';
import { WedgeDetector } from '../src/pos/scanner/wedge.ts';
import { checkDiscount } from '../src/pos/cart/cart.ts';
import { quickAmounts } from '../src/pos/selling/cash-amounts.ts';

const feed = (d: WedgeDetector, keys: string[], gaps: number[], start = 1000) => {
  let t = start;
  let out: string | null = null;
  keys.forEach((k, i) => {
    t += gaps[i] ?? gaps.at(-1)!;
    out = d.key(k, t) ?? out;
  });
  return out;
};

describe('the keyboard-wedge detector', () => {
  it('reads a fast burst ending in Enter as a scan', () => {
    expect(feed(new WedgeDetector(), [...'2900000000017', 'Enter'], [8])).toBe('2900000000017');
  });

  it('leaves typing alone, even a name typed before a scan', () => {
    const d = new WedgeDetector();
    expect(feed(d, [...'linen', 'Enter'], [120])).toBeNull();
    expect(feed(d, [...'lin', ...'12345678', 'Enter'], [150, 150, 150, 400, 6])).toBe('12345678');
  });

  it('needs every key of the burst to be fast and Enter to follow at once', () => {
    expect(feed(new WedgeDetector(), [...'1234', '5', '6', 'Enter'], [8, 8, 8, 8, 80, 8, 8])).toBeNull();
    expect(feed(new WedgeDetector(), [...'123456', 'Enter'], [8, 8, 8, 8, 8, 8, 400])).toBeNull();
    expect(feed(new WedgeDetector(), [...'12', 'Enter'], [5])).toBeNull();
  });
});

describe('cashier discounts and cash', () => {
  it('keeps a discount within the cashier limit and what it applies to', () => {
    expect(checkDiscount({ type: 'percent', value: 1000 }, 5000, 1000)).toEqual({ ok: true });
    expect(checkDiscount({ type: 'percent', value: 1001 }, 5000, 1000).ok).toBe(false);
    expect(checkDiscount({ type: 'amount', value: 500 }, 5000, 1000)).toEqual({ ok: true });
    expect(checkDiscount({ type: 'amount', value: 501 }, 5000, 1000).ok).toBe(false);
    expect(checkDiscount({ type: 'amount', value: 6000 }, 5000, 10_000)).toEqual({ ok: false, message: 'The discount is more than the amount it applies to.' });
  });

  it('offers the next round amounts a customer might hand over', () => {
    expect(quickAmounts(1843)).toEqual([1900, 2000, 5000, 10000]);
    expect(quickAmounts(2000)).toEqual([5000, 10000]);
  });
});
