import * as all from './till-actions';
import type { Action, KeyLike, TillContext, TillState } from './types';

export const tillActions = all;
export type TillActions = typeof all;
export type ActionId = keyof TillActions;
export type ArgOf<K extends ActionId> = TillActions[K] extends Action<infer A> ? A : never;

// Bound keys, in the order they are tried (first match wins).
const keyed = (Object.entries(all) as [ActionId, Action<unknown>][]).filter(([, a]) => typeof a.keyTest === 'function');

/** The action a key press means now, if any and if it may run. */
export function actionForKey(e: KeyLike, state: TillState, ctx: TillContext): ActionId | null {
  for (const [id, a] of keyed) if (a.keyTest!(e, state) && a.predicate(state, ctx, undefined)) return id;
  return null;
}
