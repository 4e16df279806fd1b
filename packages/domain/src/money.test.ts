import { describe, expect, it } from 'vitest';
import { add, divideHalfEven, format, minorUnits, money, sum } from './index.ts';

describe('money', () => {
  it('refuses floats and mixed currencies', () => {
    expect(() => money(19.99, 'USD')).toThrow(/integer/);
    expect(() => add(money(1, 'USD'), money(1, 'EUR'))).toThrow(/USD with EUR/);
    expect(sum([money(1999, 'USD'), money(1, 'USD')], 'USD')).toEqual({ amount: 2000, currency: 'USD' });
  });

  it('knows each currency’s minor units', () => {
    expect([minorUnits('USD'), minorUnits('JPY'), minorUnits('BHD')]).toEqual([2, 0, 3]);
    expect(format(money(123456, 'USD'))).toBe('$1,234.56');
    expect(format(money(500, 'JPY'))).toBe('¥500');
  });

  it('rounds half to even', () => {
    expect([5, 15, 25, -5, -15, 14, 16].map((n) => divideHalfEven(n, 10))).toEqual([0, 2, 2, 0, -2, 1, 2]);
    expect(divideHalfEven(7, 3)).toBe(2);
    expect(divideHalfEven(-7, 3)).toBe(-2);
  });
});
