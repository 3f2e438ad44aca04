import { ApiError } from './api/envelope.ts';
import type { Cutoff } from './api/scoring.ts';
import type { Threshold } from './api/streams.ts';

/**
 * One grammar for every line an analyst draws between normal and anomalous scores, in every spelling
 * stored in workspaces or typed at the CLI and in the views (case and spaces ignored):
 *   auto | auto:Z | detector:Z        the streaming detector, Z deviations above recent scores
 *   mean+Ksd | mean+Kσ | Ksigma | Kσ   mean + K standard deviations of the run's scores
 *   top:N | topN                       the N highest scores
 *   score:S | S                        a fixed score
 * Scoring runs take the last three (Cutoff), metric streams every form but top-N (Threshold).
 */
export type CutoffTerm = { kind: 'detector'; zFactor?: number } | Cutoff;

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:e-?\d+)?`;
const FORMS: [RegExp, (m: RegExpExecArray) => CutoffTerm][] = [
  [/^(?:auto|detector)(?::(\d+(?:\.\d+)?))?$/, (m) => (m[1] === undefined ? { kind: 'detector' } : { kind: 'detector', zFactor: Number(m[1]) })],
  [/^mean\+(\d+(?:\.\d+)?)(?:sd|σ|sigma|s)$/, (m) => ({ kind: 'sigma', k: Number(m[1]) })],
  [/^(\d+(?:\.\d+)?)(?:sd|σ|sigma)$/, (m) => ({ kind: 'sigma', k: Number(m[1]) })],
  [/^top[:=]?(\d+)$/, (m) => ({ kind: 'topN', n: Number(m[1]) })],
  [new RegExp(`^(?:score[:=>]*)?(${NUMBER})$`), (m) => ({ kind: 'fixed', score: Number(m[1]) })],
];

/** The term a text spells, or undefined when it spells none. */
export function parseCutoffTerm(text: string): CutoffTerm | undefined {
  const t = text.trim().toLowerCase().replaceAll(' ', '');
  for (const [re, term] of FORMS) {
    const m = re.exec(t);
    if (m) return term(m);
  }
  return undefined;
}

/** A scoring run's cut-off: `mean+1.5sd` | `top:500` | `score:3.2` (and the other spellings above). */
export function parseCutoff(text: string): Cutoff {
  const term = parseCutoffTerm(text);
  if (term && term.kind !== 'detector' && (term.kind !== 'topN' || term.n >= 1)) return term;
  throw new ApiError('BAD_REQUEST', `cut-off "${text}" is not one of mean+Ksd (e.g. mean+1.5sd), top:N (e.g. top:500) or score:S (e.g. score:3.2)`);
}

/** The text a scoring cut-off is stored and edited as: the inverse of parseCutoff. */
export function formatCutoff(c: Cutoff): string {
  return c.kind === 'sigma' ? `mean+${c.k}sd` : c.kind === 'topN' ? `top:${c.n}` : `score:${c.score}`;
}

/** A stream's threshold from its text: "auto" / "auto:4" → the detector; "2.5" → a fixed score; "3sigma" / "mean+3σ" → mean + 3σ. */
export function parseThreshold(text: string): Threshold {
  const term = parseCutoffTerm(text);
  if (term?.kind === 'detector' || term?.kind === 'sigma') return validateThreshold(term);
  if (term?.kind === 'fixed') return validateThreshold({ kind: 'score', value: term.score });
  throw new ApiError('BAD_REQUEST', `threshold "${text}" is neither auto (the detector), a score (2.5) nor mean + kσ (3sigma)`);
}

/** A stream's threshold as stored (JSON) or sent, checked: the one reader of its object form. */
export function validateThreshold(t: unknown): Threshold {
  const th = t as Threshold;
  if (th?.kind === 'detector') {
    if (th.zFactor === undefined) return { kind: 'detector' };
    if (Number.isFinite(th.zFactor) && th.zFactor > 0 && th.zFactor <= 20) return { kind: 'detector', zFactor: th.zFactor };
  }
  if (th?.kind === 'score' && Number.isFinite(th.value) && th.value > 0) return { kind: 'score', value: th.value };
  if (th?.kind === 'sigma' && Number.isFinite(th.k) && th.k > 0) return { kind: 'sigma', k: th.k };
  throw new ApiError('BAD_REQUEST', 'threshold must be {kind:"detector", zFactor in (0, 20]?}, {kind:"score", value > 0} or {kind:"sigma", k > 0}');
}

/** The text a threshold is edited as: the inverse of parseThreshold. */
export function thresholdText(t: Threshold): string {
  if (t.kind === 'detector') return t.zFactor === undefined ? 'auto' : `auto:${t.zFactor}`;
  return t.kind === 'score' ? String(t.value) : `${t.k}sigma`;
}

export function describeThreshold(t: Threshold): string {
  if (t.kind === 'detector') return `the detector's threshold${t.zFactor === undefined ? '' : ` (${t.zFactor}σ above recent scores)`}`;
  return t.kind === 'score' ? `score ≥ ${t.value}` : `score ≥ mean + ${t.k}σ`;
}
