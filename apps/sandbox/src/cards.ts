// Card number checks and the test-card table: pure functions, no state.
import { TEST_CARDS, type CardBrand, type ErrorCode } from './contract.ts';

/** What a charge on this card does; decided at tokenization, when the number is last seen. */
export type CardScenario = 'approve' | 'card_declined' | 'insufficient_funds' | 'processing_error' | 'timeout';

export interface CheckedCard {
  brand: CardBrand;
  last4: string;
  exp_month: number;
  exp_year: number;
  scenario: CardScenario;
}

export type CardCheck = { ok: true; card: CheckedCard } | { ok: false; code: ErrorCode; param: string; message: string };

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function detectBrand(digits: string): CardBrand | null {
  if (/^4\d{12}(\d{3}){0,2}$/.test(digits)) return 'visa';
  if (/^(5[1-5]\d{2}|222[1-9]|22[3-9]\d|2[3-6]\d{2}|27[01]\d|2720)\d{12}$/.test(digits)) return 'mastercard';
  if (/^3[47]\d{13}$/.test(digits)) return 'amex';
  if (/^(6011|65\d{2}|64[4-9]\d|622\d)\d{12,15}$/.test(digits)) return 'discover';
  return null;
}

export function scenarioFor(digits: string, timeoutCard: string): CardScenario {
  if (digits === timeoutCard) return 'timeout';
  switch (digits) {
    case TEST_CARDS.decline:
      return 'card_declined';
    case TEST_CARDS.insufficientFunds:
      return 'insufficient_funds';
    case TEST_CARDS.processingError:
      return 'processing_error';
    default:
      // any other valid number of a supported brand approves, as in a processor's test mode
      return 'approve';
  }
}

/**
 * Validates what a card reader or keypad sent. Messages never repeat the input: the number and
 * CVC must not reach a response or a log.
 */
export function checkCard(
  input: { number: string; exp_month: number; exp_year: number; cvc: string },
  now: Date,
  timeoutCard: string = TEST_CARDS.timeout,
): CardCheck {
  const digits = input.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) {
    return { ok: false, code: 'incorrect_number', param: 'number', message: 'Your card number is incorrect.' };
  }
  const brand = detectBrand(digits);
  if (!brand) return { ok: false, code: 'card_not_supported', param: 'number', message: 'This card brand is not supported.' };
  const month = input.exp_month;
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    return { ok: false, code: 'invalid_expiry_month', param: 'exp_month', message: "Your card's expiration month is invalid." };
  }
  const year = input.exp_year < 100 ? 2000 + input.exp_year : input.exp_year;
  if (!Number.isInteger(year) || year < 2000 || year > 2099) {
    return { ok: false, code: 'invalid_expiry_year', param: 'exp_year', message: "Your card's expiration year is invalid." };
  }
  // a card is valid through the last day of its expiry month (UTC)
  const nowMonths = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (year * 12 + (month - 1) < nowMonths) {
    return { ok: false, code: 'expired_card', param: 'exp_month', message: 'Your card has expired.' };
  }
  const cvcLength = brand === 'amex' ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(input.cvc)) {
    return { ok: false, code: 'invalid_cvc', param: 'cvc', message: "Your card's security code is invalid." };
  }
  return { ok: true, card: { brand, last4: digits.slice(-4), exp_month: month, exp_year: year, scenario: scenarioFor(digits, timeoutCard) } };
}
