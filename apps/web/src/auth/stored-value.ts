// A JSON value in localStorage that React can subscribe to (useSyncExternalStore), kept in step
// across tabs through the `storage` event.

export interface StoredValue<T> {
  get(): T | null;
  set(value: T | null): void;
  subscribe(listener: () => void): () => void;
}

export function storedValue<T>(key: string, isValid: (value: unknown) => value is T): StoredValue<T> {
  const listeners = new Set<() => void>();
  let raw: string | null | undefined;
  let cached: T | null = null;

  const read = (): string | null => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  };
  const emit = () => listeners.forEach((l) => l());

  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (e) => {
      if (e.key === key || e.key === null) emit();
    });
  }

  return {
    get() {
      const next = read();
      if (next !== raw) {
        raw = next;
        cached = null;
        if (next) {
          try {
            const parsed: unknown = JSON.parse(next);
            if (isValid(parsed)) cached = parsed;
          } catch {
            // Corrupt entry: treat as absent.
          }
        }
      }
      return cached;
    },
    set(value) {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
      emit();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
