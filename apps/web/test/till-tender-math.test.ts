import { describe, expect, it } from 'vitest';
import { cardDigits, cashOutcome, countedTotal, denominationsFor, giftCardCover, giftCardDigits, parseExpiry, parsePercent, tipAmount, tipBody, validTenderAmount, variance } from '../src/pos/tender/tender-math.ts';

describe('tender maths', () => {
  it('computes a percent tip as the server does: half up, on what pays the order', () => {
    expect(tipAmount(1999, { kind: 'percent', value: 10 })).toBe(200);
    expect(tipAmount(1995, { kind: 'percent', value: 15 })).toBe(299); // 299.25
    expect(tipAmount(1000, { kind: 'percent', value: 12.5 })).toBe(125);
    expect(tipAmount(1000, { kind: 'amount', value: 300 })).toBe(300);
    expect(tipAmount(1000, null)).toBe(0);
  });

  it('sends a tip only when there is one, as amount or percent', () => {
    expect(tipBody(null, 'USD')).toBeUndefined();
    expect(tipBody({ kind: 'percent', value: 0 }, 'USD')).toBeUndefined();
    expect(tipBody({ kind: 'amount', value: 250 }, 'USD')).toEqual({ amount: 250, currency: 'USD' });
    expect(tipBody({ kind: 'percent', value: 15 }, 'USD')).toEqual({ percent: 15 });
  });

  it('gives change on cash above what is due and says what is short below it', () => {
    expect(cashOutcome(1234, 2000)).toEqual({ applied: 1234, change: 766, short: 0 });
    expect(cashOutcome(1234, 1234)).toEqual({ applied: 1234, change: 0, short: 0 });
    expect(cashOutcome(1234, 1000)).toEqual({ applied: 1000, change: 0, short: 234 });
  });

  it('authorizes a gift card for its balance when it is short (partial authorization)', () => {
    expect(giftCardCover(500, 1234)).toEqual({ authorized: 500, rest: 734, partial: true });
    expect(giftCardCover(5000, 1234)).toEqual({ authorized: 1234, rest: 0, partial: false });
    expect(giftCardCover(0, 1234)).toEqual({ authorized: 0, rest: 1234, partial: true });
  });

  it('accepts a non-cash amount above zero and up to what is due', () => {
    expect(validTenderAmount(1, 100)).toBe(true);
    expect(validTenderAmount(100, 100)).toBe(true);
    expect(validTenderAmount(101, 100)).toBe(false);
    expect(validTenderAmount(0, 100)).toBe(false);
    expect(validTenderAmount(null, 100)).toBe(false);
  });

  it('reads percents, card numbers, expiries and gift card codes as typed', () => {
    expect(parsePercent('15')).toBe(15);
    expect(parsePercent('12,5')).toBe(12.5);
    expect(parsePercent('101')).toBeNull();
    expect(parsePercent('1.234')).toBeNull();
    expect(cardDigits('4242 4242 4242 4242')).toBe('4242424242424242');
    expect(cardDigits('4242-42')).toBeNull();
    expect(parseExpiry('12/29')).toEqual({ month: 12, year: 2029 });
    expect(parseExpiry('1 / 2031')).toEqual({ month: 1, year: 2031 });
    expect(parseExpiry('13/29')).toBeNull();
    expect(giftCardDigits('1234 5678-9012 3456')).toBe('1234567890123456');
    expect(giftCardDigits('123')).toBeNull();
  });

  it('adds up a drawer count by denomination and signs the variance (short is negative)', () => {
    const counts = [
      { denomination: 2000, count: 3 },
      { denomination: 25, count: 4 },
      { denomination: 1, count: 7 },
    ];
    expect(countedTotal(counts)).toBe(6107);
    expect(variance(6108, 6107)).toBe(-1);
    expect(variance(6100, 6107)).toBe(7);
    expect(denominationsFor('USD')).toContain(25);
    expect(denominationsFor('EUR')).toContain(200);
  });
});
