// Whether the till shows the refused-sales screen: opened from the queue banner (or the unpair
// dialog) wherever it is, and shown once someone is signed in.
import { useSyncExternalStore } from 'react';

let open = false;
const listeners = new Set<() => void>();
const set = (v: boolean) => {
  open = v;
  listeners.forEach((l) => l());
};

export const openRefusedSales = () => set(true);
export const closeRefusedSales = () => set(false);
export function useRefusedView(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => open,
    () => false,
  );
}
