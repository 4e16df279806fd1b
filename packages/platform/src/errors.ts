/**
 * Expected failures are values with stable codes, mapped to RFC 9457 problem+json in one place
 * (http/problem.ts). Throw `AppError` for a failure the caller should see; anything else is a bug
 * or an outage and becomes a 500 without details.
 */
export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? 'Error';
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    code: string,
    detail: string,
    opts: { errors?: FieldError[]; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.errors = opts.errors;
    this.extra = opts.extra;
    this.headers = opts.headers;
  }

  toProblem(): ProblemDetails {
    return {
      type: `https://novapos.dev/problems/${this.code.replaceAll('_', '-')}`,
      title: titleFor(this.status),
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (permission: string) =>
  new AppError(403, 'forbidden', `This action needs the permission '${permission}'`, { extra: { permission } });
export const unauthorized = (detail = 'Authentication required') => new AppError(401, 'unauthorized', detail);
export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new AppError(409, code, detail, extra ? { extra } : {});
export const invalid = (path: string, message: string, code = 'validation_failed') =>
  new AppError(400, code, message, { errors: [{ path, message }] });
