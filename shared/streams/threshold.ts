import { ApiError } from '../api/envelope.ts';
import type { Threshold } from '../api/streams.ts';

/** One parser for the alert threshold, used by the service, the CLI and the Streams view alike. */
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

/** "auto" / "auto:4" → the detector (4 deviations); "2.5" → a fixed score; "3sigma" / "3σ" / "mean+3sd" → mean + 3σ. */
export function parseThreshold(text: string): Threshold {
  const auto = /^\s*(?:auto|detector)\s*(?::\s*(\d+(?:\.\d+)?))?\s*$/i.exec(text);
  if (auto) return validateThreshold(auto[1] === undefined ? { kind: 'detector' } : { kind: 'detector', zFactor: Number(auto[1]) });
  const sigma = /^\s*(?:mean\s*\+\s*)?(\d+(?:\.\d+)?)\s*(?:sigma|σ|sd)\s*$/i.exec(text);
  if (sigma) return validateThreshold({ kind: 'sigma', k: Number(sigma[1]) });
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(text)) return validateThreshold({ kind: 'score', value: Number(text) });
  throw new ApiError('BAD_REQUEST', `threshold "${text}" is neither auto (the detector), a score (2.5) nor mean + kσ (3sigma)`);
}

export function describeThreshold(t: Threshold): string {
  if (t.kind === 'detector') return `the detector's threshold${t.zFactor === undefined ? '' : ` (${t.zFactor}σ above recent scores)`}`;
  return t.kind === 'score' ? `score ≥ ${t.value}` : `score ≥ mean + ${t.k}σ`;
}

/** The text a threshold is edited as: the inverse of parseThreshold. */
export function thresholdText(t: Threshold): string {
  if (t.kind === 'detector') return t.zFactor === undefined ? 'auto' : `auto:${t.zFactor}`;
  return t.kind === 'score' ? String(t.value) : `${t.k}sigma`;
}
