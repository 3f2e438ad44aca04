import type { LearnedRules, RuleField, RuleSettings } from '../../shared/api/investigate.ts';

/**
 * Rule thresholds learned from the population, the way a game designer would set them if they knew the
 * game's scale: from what honest players do. Every statistic is a median (or MAD) over players of one
 * player's own figure, so the ~1% of cheaters cannot move it, whatever they do.
 *
 *  - session gap: 20 × the median over players of each one's median gap between events, clamped to
 *    1 minute – 4 hours. A pause that long is a logout or a break, not play: a step across it is not
 *    movement, and it starts a new session (for timing and dwell too).
 *  - speed: a step longer than what honest players reach: max(median + 6 × 1.4826·MAD of the players'
 *    longest steps, 1.25 × that median). A speed hack is `speedSteps` such steps in a row.
 *  - sustained speed: median + 6 × 1.4826·MAD + 1 of the players' longest run of such steps, at least 3.
 *  - teleport: one step 25 × the honest longest step (no walking speed, hacked or not, covers that).
 */

export interface PopulationStats {
  players: number;
  medianGap: number | null;
  maxStepMedian: number | null;
  maxStepMad: number | null;
  p999Median: number | null;
}

const K_SPEED = 6;
const TELEPORT_FACTOR = 25;
const GAP_FACTOR = 20;
const MAD_SCALE = 1.4826;
export const DEFAULT_SESSION_GAP = 900;

export function sessionGapOf(medianGap: number | null): number {
  if (medianGap === null || !Number.isFinite(medianGap) || medianGap <= 0) return DEFAULT_SESSION_GAP;
  return Math.min(4 * 3600, Math.max(60, GAP_FACTOR * medianGap));
}

/** Thresholds from the population; null when no player has moved at all (the manual settings stand). */
export function learnRules(p: PopulationStats, sessionGap: number, fastRun: { median: number; mad: number } | null, now = new Date()): LearnedRules | null {
  const med = p.maxStepMedian;
  if (med === null || !(med > 0) || !Number.isFinite(med)) return null;
  const maxSpeed = Math.max(med + K_SPEED * MAD_SCALE * (p.maxStepMad ?? 0), 1.25 * med);
  const speedSteps = Math.max(3, Math.ceil((fastRun?.median ?? 0) + K_SPEED * MAD_SCALE * (fastRun?.mad ?? 0)) + 1);
  return {
    teleportStep: Math.max(TELEPORT_FACTOR * med, 2 * maxSpeed),
    maxSpeed,
    speedSteps,
    sessionGap,
    honestStepP999: p.p999Median ?? med,
    honestMaxStep: med,
    players: p.players,
    computedAt: now.toISOString(),
  };
}

/** The settings in force: learned values except where the analyst overrode them. */
export function effectiveRules(manual: RuleSettings, overrides: readonly RuleField[], learned: LearnedRules | null): RuleSettings {
  const pick = <K extends RuleField>(k: K) => (learned && !overrides.includes(k) ? learned[k] : manual[k]);
  return {
    teleportStep: pick('teleportStep'),
    maxSpeed: pick('maxSpeed'),
    speedSteps: pick('speedSteps'),
    minAnomalousRows: manual.minAnomalousRows,
    sessionGap: learned?.sessionGap ?? DEFAULT_SESSION_GAP,
    learned,
    overrides: [...overrides],
  };
}

/** "learned from this workspace: step > 157 (honest players' 99.9th percentile is 6.3)". */
export function describeRules(s: RuleSettings): string[] {
  const f = (v: number) => String(+v.toPrecision(4));
  const from = (k: RuleField) => (s.overrides?.includes(k) ? 'set by hand' : s.learned ? 'learned from this workspace' : 'default (no play log yet)');
  const l = s.learned;
  return [
    `teleport:       step > ${f(s.teleportStep)}  (${from('teleportStep')}${l ? `; honest players' 99.9th percentile is ${f(l.honestStepP999)}, longest ${f(l.honestMaxStep)}` : ''})`,
    `speed:          step > ${f(s.maxSpeed)} per move  (${from('maxSpeed')})`,
    `sustained:      ${s.speedSteps} such steps in a row  (${from('speedSteps')})`,
    `session gap:    ${f(s.sessionGap ?? DEFAULT_SESSION_GAP)} s  (${l ? "learned: 20 × the median gap between a player's events" : 'default'}; steps across it are not movement)`,
  ];
}
