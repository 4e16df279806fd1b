// Expected failures are values: a stable code, its fixed HTTP status and a processor-style body.
import { randomBytes } from 'node:crypto';
import { ERROR_CODES, type ApiError, type ErrorCode, type ErrorType } from './contract.ts';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

function typeOf(code: ErrorCode): ErrorType {
  const status = statusOf(code);
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'card_error';
  if (status === 422) return 'idempotency_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function apiError(code: ErrorCode, message: string, extra: Omit<ApiError, 'type' | 'code' | 'message'> = {}): ApiError {
  return { type: typeOf(code), code, message, ...extra };
}

export function fail<T = never>(code: ErrorCode, message: string, extra: Omit<ApiError, 'type' | 'code' | 'message'> = {}): Result<T> {
  return { ok: false, error: apiError(code, message, extra) };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(length: number, alphabet = ALPHABET): string {
  // bytes at or above the largest multiple of the alphabet size are skipped to keep the choice uniform
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export const newId = (prefix: string) => `${prefix}_${randomString(24)}`;
export const newApprovalCode = () => randomString(6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
