import type { ReactNode } from 'react';
import { tillActions, type ActionId } from '../actions/registry';
import type { Action } from '../actions/types';
import type { Till } from './use-till';

/** A button for a registered action: its label, its shortcut shown, disabled when it may not run. */
export function ActionButton({ till, id, arg, className = 'button button--secondary', children, pressed }: { till: Till; id: ActionId; arg?: unknown; className?: string; children?: ReactNode; pressed?: boolean }) {
  const action = tillActions[id] as unknown as Action<unknown>;
  const enabled = action.predicate(till.state, till.ctx, arg);
  return (
    <button type="button" className={`${className} till-action`} disabled={!enabled} aria-pressed={pressed} onClick={() => (till.run as (id: ActionId, arg?: unknown) => boolean)(id, arg)}>
      <span>{children ?? action.label}</span>
      {action.shortcut && <kbd className="till-action__key">{action.shortcut}</kbd>}
    </button>
  );
}
