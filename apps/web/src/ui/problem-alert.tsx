import { ApiError } from '../api/client';

type Props = {
  error: unknown;
  /** Field paths the form already shows next to its controls; the rest are listed here. */
  shownFields?: readonly string[];
};

/** The server's `detail` for a failed request, plus any field errors the form has no place for. */
export function ProblemAlert({ error, shownFields = [] }: Props) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const message = api
    ? (api.problem.detail ?? api.problem.title)
    : error instanceof Error
      ? error.message
      : 'Something went wrong.';
  const leftover = api ? Object.entries(api.fieldErrors()).filter(([path]) => !shownFields.includes(path)) : [];
  return (
    <div className={api?.isNetwork ? 'alert alert--warning' : 'alert alert--error'} role="alert">
      <p>{message}</p>
      {leftover.length > 0 && (
        <ul>
          {leftover.map(([path, msg]) => (
            <li key={path}>
              {path ? <strong>{path}: </strong> : null}
              {msg}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Field message for `path` when `error` is a validation problem. */
export function fieldError(error: unknown, path: string): string | undefined {
  return error instanceof ApiError ? error.fieldErrors()[path] : undefined;
}
