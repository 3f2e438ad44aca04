/**
 * State a view keeps across tab switches (it lives here, not in the unmounted component) until the
 * workspace changes: another workspace starts every view afresh.
 */
const kept: { state: object; defaults: () => object }[] = [];

export function viewState<T extends object>(defaults: () => T): T {
  const state = $state(defaults());
  kept.push({ state, defaults });
  return state;
}

/** Writes a view's local state back to its store as it changes (call while the component initialises). */
export function keepIn<T extends object>(store: T, read: () => T): void {
  $effect(() => void Object.assign(store, read()));
}

export function forgetViewStates(): void {
  for (const { state, defaults } of kept) Object.assign(state, defaults());
}
