import { useState } from 'react';
import { useAsync } from '../../ui/use-async';

/**
 * Cursor pages with Previous and Next: the cursors already walked are kept so Previous needs no
 * server support. A change of `filterKey` starts again at the first page.
 */
export function useCursorPages<P extends { next_cursor: string | null }>(load: (cursor: string | null) => Promise<P>, filterKey: string) {
  const [walk, setWalk] = useState<{ key: string; cursors: (string | null)[] }>({ key: filterKey, cursors: [null] });
  const cursors = walk.key === filterKey ? walk.cursors : [null];
  const cursor = cursors.at(-1) ?? null;
  const page = useAsync(() => load(cursor), [filterKey, cursor]);
  return {
    ...page,
    pageNumber: cursors.length,
    hasPrev: cursors.length > 1,
    hasNext: !!page.data?.next_cursor,
    next: () => page.data?.next_cursor && setWalk({ key: filterKey, cursors: [...cursors, page.data.next_cursor] }),
    prev: () => setWalk({ key: filterKey, cursors: cursors.slice(0, -1) }),
  };
}

export function Pager({ pageNumber, hasPrev, hasNext, onPrev, onNext, label }: { pageNumber: number; hasPrev: boolean; hasNext: boolean; onPrev: () => void; onNext: () => void; label: string }) {
  if (!hasPrev && !hasNext) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button button--secondary button--small" onClick={onPrev} disabled={!hasPrev}>
        ← Previous
      </button>
      <span className="pager__page" aria-live="polite">
        Page {pageNumber}
      </span>
      <button type="button" className="button button--secondary button--small" onClick={onNext} disabled={!hasNext}>
        Next →
      </button>
    </nav>
  );
}
