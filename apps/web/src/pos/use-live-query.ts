import { liveQuery } from 'dexie';
import { useEffect, useState, type DependencyList } from 'react';

/** A Dexie query that re-runs when the tables it read change, in this tab or another one. */
export function useLiveQuery<T>(query: () => Promise<T>, deps: DependencyList, initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({ next: setValue, error: (err: unknown) => console.error('live query failed', err) });
    return () => sub.unsubscribe();
  }, deps);
  return value;
}
