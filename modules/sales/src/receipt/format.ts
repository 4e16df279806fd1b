import { minorUnits } from '@novapos/domain';

export interface Formatters {
  money(minor: number): string;
  /** rate in parts per million as a percentage: 82_500 → "8.25%" */
  percent(ppm: number): string;
  /** an ISO instant as store-local date and time */
  dateTime(iso: string): string;
}

/**
 * Integer `minor` units with `digits` decimals as an exact decimal string ("-1234", 2 → "-12.34"),
 * handed to Intl.NumberFormat as a string so no float ever touches the amount.
 */
export function decimalString(minor: number, digits: number): `${number}` {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`expected integer minor units, got ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  return (digits === 0 ? sign + abs : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`) as `${number}`;
}

export function formatters(locale: string, currency: string, timeZone: string): Formatters {
  const digits = minorUnits(currency);
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 4 });
  const date = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  return {
    money: (minor) => money.format(decimalString(minor, digits)),
    percent: (ppm) => percent.format(decimalString(ppm, 6)),
    dateTime: (iso) => date.format(new Date(iso)),
  };
}
