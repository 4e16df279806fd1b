// Signed-in calls by verb, for the back office's catalog and inventory clients. Kept out of
// client.ts so the till's bundle does not carry them.
import { request, type AuthSource } from './client';

export function authedCalls(auth: AuthSource) {
  return {
    get: <T>(path: string) => request<T>({ method: 'GET', path, auth }),
    post: <T>(path: string, body: unknown, idempotencyKey?: string) =>
      request<T>({ method: 'POST', path, body, auth, ...(idempotencyKey ? { idempotencyKey } : {}) }),
    put: <T>(path: string, body: unknown) => request<T>({ method: 'PUT', path, body, auth }),
    patch: <T>(path: string, body: unknown) => request<T>({ method: 'PATCH', path, body, auth }),
    del: <T = void>(path: string) => request<T>({ method: 'DELETE', path, auth }),
  };
}
