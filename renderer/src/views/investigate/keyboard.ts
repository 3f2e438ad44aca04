import type { PlayerVerdict } from '../../../../shared/api/investigate.ts';

/** What a key does in the Anomalies view (keyboard triage). */
export type TriageAction =
  | { kind: 'move'; by: number; extend: boolean }
  | { kind: 'verdict'; verdict: PlayerVerdict }
  | { kind: 'note' }
  | { kind: 'mark' }
  | { kind: 'markAll' }
  | { kind: 'unmarkAll' }
  | { kind: 'undo' }
  | { kind: 'help' }
  | { kind: 'open' }
  | { kind: 'close' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The shortcut sheet, in the order it is shown: keys → what they do. */
export const SHORTCUTS: readonly [string, string][] = [
  ['J  /  ↓', 'next player (the drill-down follows)'],
  ['K  /  ↑', 'previous player'],
  ['Shift + J / K', 'extend the selection down / up'],
  ['X', 'select or unselect the current player'],
  ['Ctrl + A', 'select every loaded row · Esc clears the selection'],
  ['B', 'Ban (every selected player when some are)'],
  ['F', 'False positive'],
  ['R', 'Needs review'],
  ['N', 'write the note (saves as you type; Esc leaves it)'],
  ['U  /  Ctrl + Z', 'undo the last verdict'],
  ['Enter', 'open the drill-down'],
  ['Esc', 'close the sheet, the selection, then the drill-down'],
  ['?', 'this sheet'],
];

const VERDICT_KEYS: Record<string, PlayerVerdict> = { b: 'ban', f: 'false_positive', r: 'review' };

/**
 * Maps a key press to a triage action, or null to leave it alone. Keys typed into a text field are
 * the field's (only Escape is ours there, to leave it); modified keys other than Ctrl+Z / Ctrl+A and
 * Shift+J/K stay the browser's.
 */
export function triageAction(e: KeyLike, inTextField: boolean): TriageAction | null {
  if (inTextField) return e.key === 'Escape' ? { kind: 'close' } : null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && !e.shiftKey) {
    if (e.key === 'z' || e.key === 'Z') return { kind: 'undo' };
    if (e.key === 'a' || e.key === 'A') return { kind: 'markAll' };
    return null;
  }
  if (mod || e.altKey) return null;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (k === 'j' || k === 'ArrowDown') return { kind: 'move', by: 1, extend: e.shiftKey };
  if (k === 'k' || k === 'ArrowUp') return { kind: 'move', by: -1, extend: e.shiftKey };
  if (e.key === '?') return { kind: 'help' };
  if (e.shiftKey) return null;
  if (k in VERDICT_KEYS) return { kind: 'verdict', verdict: VERDICT_KEYS[k] };
  if (k === 'n') return { kind: 'note' };
  if (k === 'x') return { kind: 'mark' };
  if (k === 'u') return { kind: 'undo' };
  if (k === 'Enter') return { kind: 'open' };
  if (k === 'Escape') return { kind: 'close' };
  return null;
}

/** True for elements whose keys are typed text (the note, the search box, a select). */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
  return target.isContentEditable;
}
