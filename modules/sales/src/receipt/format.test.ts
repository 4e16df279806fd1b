import { describe, expect, it } from 'vitest';
import { decimalString, formatters } from './format.ts';

describe('receipt formatting', () => {
  it('turns integer minor units into an exact decimal string', () => {
    expect(decimalString(1999, 2)).toBe('19.99');
    expect(decimalString(-5, 2)).toBe('-0.05');
    expect(decimalString(0, 2)).toBe('0.00');
    expect(decimalString(1234, 0)).toBe('1234');
    expect(decimalString(1, 3)).toBe('0.001');
    expect(decimalString(Number.MAX_SAFE_INTEGER, 2)).toBe('90071992547409.91');
    expect(() => decimalString(1.5, 2)).toThrow(RangeError);
  });

  it('formats money by the currency’s minor units, exactly even past float precision', () => {
    expect(formatters('en-US', 'USD', 'UTC').money(-1050)).toBe('-$10.50');
    expect(formatters('en-US', 'JPY', 'UTC').money(1050)).toBe('¥1,050');
    expect(formatters('en-US', 'KWD', 'UTC').money(1050)).toBe('KWD\u00a01.050');
    expect(formatters('en-US', 'USD', 'UTC').money(Number.MAX_SAFE_INTEGER)).toBe('$90,071,992,547,409.91');
  });

  it('prints a rate in parts per million as a percentage', () => {
    const f = formatters('en-US', 'USD', 'UTC');
    expect([f.percent(82_500), f.percent(200_000), f.percent(0), f.percent(1)]).toEqual(['8.25%', '20%', '0%', '0.0001%']);
    expect(formatters('de-DE', 'EUR', 'UTC').percent(70_000)).toBe('7\u00a0%');
  });

  it('shows instants in the store’s time zone', () => {
    expect(formatters('en-US', 'USD', 'America/New_York').dateTime('2026-01-02T03:04:00Z')).toBe('01/01/2026, 10:04 PM');
    expect(formatters('en-GB', 'GBP', 'Europe/London').dateTime('2026-07-02T03:04:00Z')).toBe('02/07/2026, 04:04');
  });
});
