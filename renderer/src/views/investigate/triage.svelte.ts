import { SvelteSet } from 'svelte/reactivity';
import type { PlayerVerdict, VerdictChange, VerdictRecord } from '../../../../shared/api/investigate.ts';
import { call } from '../../lib/api.ts';
import { VERDICT_LABEL } from './state.svelte.ts';

/**
 * Keyboard triage's shared state: the multi-selection (by pidx, so it survives re-sorting), the undo
 * stack of verdict changes, notes typed before a verdict exists, and the open drill-down's verdict box.
 */
interface UndoEntry {
  label: string;
  states: { pidx: number; previous: VerdictRecord | null }[];
}

/** `version` counts changes made outside the drill-down's box (undo, bulk), which it then reloads. */

/** What the drill-down's verdict box offers the keyboard: its note, focus, and saving any pending edit. */
export interface VerdictBoxHandle {
  pidx: number;
  decide(verdict: PlayerVerdict): Promise<void>;
  note(): string;
  focusNote(): void;
  flush(): Promise<void>;
}

export const marks = new SvelteSet<number>();
export const drafts = new Map<number, string>();
export const triage = $state<{ undo: UndoEntry[]; message: string; box: VerdictBoxHandle | null; version: number }>({
  undo: [],
  message: '',
  box: null,
  version: 0,
});

const UNDO_DEPTH = 50;

function describe(pidxs: readonly number[], verdict: PlayerVerdict | null): string {
  const who = pidxs.length === 1 ? `player ${pidxs[0]}` : `${pidxs.length} players`;
  return verdict ? `${VERDICT_LABEL[verdict]}: ${who}` : `cleared ${who}`;
}

/** Records a verdict (one player or many, one note) and remembers what it replaced for undo. */
export async function recordVerdicts(pidxs: readonly number[], verdict: PlayerVerdict, note: string, runId: number | null): Promise<VerdictChange> {
  const change = await call('investigate.setVerdicts', { pidxs: [...pidxs], verdict, note, ...(runId !== null ? { runId } : {}) });
  pushUndo(
    describe(pidxs, verdict),
    change.records.map((r, i) => ({ pidx: r.pidx, previous: change.previous[i] })),
  );
  for (const p of pidxs) drafts.delete(p);
  return change;
}

export async function clearVerdictOf(previous: VerdictRecord): Promise<void> {
  await call('investigate.clearVerdict', { pidx: previous.pidx });
  pushUndo(describe([previous.pidx], null), [{ pidx: previous.pidx, previous }]);
}

function pushUndo(label: string, states: UndoEntry['states']) {
  triage.undo = [...triage.undo.slice(-(UNDO_DEPTH - 1)), { label, states }];
  triage.message = `${label} · U to undo`;
}

/** Takes back the last verdict change (all of a bulk one at once). */
export async function undoLast(): Promise<void> {
  const last = triage.undo.at(-1);
  if (!last) {
    triage.message = 'Nothing to undo';
    return;
  }
  await call('investigate.restoreVerdicts', { states: last.states });
  triage.undo = triage.undo.slice(0, -1);
  triage.message = `Undone: ${last.label}`;
  triage.version++;
}
