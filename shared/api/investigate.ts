import type { ColumnBatch } from './columns.ts';
import type { ExportedFile } from './sql.ts';
import type { Method, NoArgs } from './method.ts';
import type { ScoringRun } from './scoring.ts';

/** A forbidden zone on the map: a rectangle, inclusive bounds (as SQL BETWEEN). */
export interface Zone {
  id: number;
  name: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Rule evidence thresholds (map units and seconds). */
export interface RuleSettings {
  /** A single step (posold → posnew) longer than this, in map units, is a teleport. */
  teleportStep: number;
  /**
   * Speed in map units per move (the step length): above this on `speedSteps` consecutive moving
   * steps is a speed hack. Per move rather than per second because a player's consecutive log events
   * are tens of seconds apart at random, so distance per second mostly measures logging gaps.
   */
  maxSpeed: number;
  speedSteps: number;
  /** Rows above the row-level cut-off a player needs for the row forest's evidence line (evidence, not a flag). */
  minAnomalousRows: number;
  /** Seconds: a pause longer than this starts a new session; a step across it is neither teleport nor speed. */
  sessionGap?: number;
  /** What this workspace's play log taught (null before any rows); fields not in `overrides` come from it. */
  learned?: LearnedRules | null;
  /** The fields the analyst set by hand (`rules set`); the others follow the data. */
  overrides?: RuleField[];
}

export type RuleField = 'teleportStep' | 'maxSpeed' | 'speedSteps';
export const RULE_FIELDS: readonly RuleField[] = ['teleportStep', 'maxSpeed', 'speedSteps'];

/**
 * Rule thresholds learned from the population (electron/investigate/calibrate.ts), robust to the few
 * cheaters in it: medians and MADs over players of each player's own step statistics.
 */
export interface LearnedRules {
  teleportStep: number;
  maxSpeed: number;
  speedSteps: number;
  sessionGap: number;
  /** Median over players of each player's 99.9th-percentile step (within sessions). */
  honestStepP999: number;
  /** Median over players of each player's longest step (within sessions). */
  honestMaxStep: number;
  /** Players with moving steps the thresholds were learned from. */
  players: number;
  computedAt: string;
}

/** One profile feature as the drill-down shows it: the player's value against the population. */
export interface ProfileFeature {
  name: string;
  label: string;
  value: number;
  /** Population median and robust spread (1.4826 × MAD) of the feature. */
  median: number;
  spread: number;
  /** Share of the player's forest score this feature drove (0–1), null without a player forest. */
  share: number | null;
}

/** The player-level forest's verdict on one player. */
export interface PlayerScoreInfo {
  score: number;
  cutoff: number;
  features: ProfileFeature[];
}

/** An analyst's decision on a player (a stream alert's is an AlertMark): one spelling everywhere, SQL-friendly. */
export type PlayerVerdict = 'ban' | 'false_positive' | 'review';
export const VERDICTS: readonly PlayerVerdict[] = ['ban', 'false_positive', 'review'];

/** Other spellings people type (the CLI and older clients): the hyphenated form, short forms. */
const VERDICT_ALIASES: Record<string, PlayerVerdict> = {
  'false-positive': 'false_positive',
  fp: 'false_positive',
  'needs-review': 'review',
  needs_review: 'review',
};

/** The canonical verdict for any accepted spelling, or null. */
export function parsePlayerVerdict(v: unknown): PlayerVerdict | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  return VERDICTS.includes(s as PlayerVerdict) ? (s as PlayerVerdict) : (VERDICT_ALIASES[s] ?? null);
}

export interface VerdictRecord {
  pidx: number;
  verdict: PlayerVerdict;
  note: string;
  decidedAt: string;
  /** The run the analyst was looking at, if any. */
  runId: number | null;
}

/** A recorded change and what it replaced (null: no verdict before), which is what an undo restores. */
export interface VerdictChange {
  records: VerdictRecord[];
  previous: (VerdictRecord | null)[];
}

export type FlaggedBy = 'rules' | 'forest' | 'both' | 'none';

/** What the analyst saw when deciding: kept with every history entry, so a ban can be audited later. */
export interface VerdictEvidence {
  flaggedBy: FlaggedBy;
  reasons: string[];
  maxScore: number | null;
  anomalousRows: number | null;
  /** The ranking's player score (suspicion) at the time. */
  playerScore: number;
}

/** set: a verdict chosen; note: the note edited; clear: the verdict removed; undo: a change taken back. */
export type VerdictAction = 'set' | 'note' | 'clear' | 'undo';

/** One change of a player's verdict or note (rz_verdict_history), newest first in listings. */
export interface VerdictHistoryEntry {
  id: number;
  pidx: number;
  action: VerdictAction;
  /** The verdict after the change (null once cleared). */
  verdict: PlayerVerdict | null;
  note: string;
  at: string;
  runId: number | null;
  evidence: VerdictEvidence | null;
}

/** One row of the flagged-players table (and of `flagged --json`). */
export interface FlaggedPlayer {
  rank: number;
  pidx: number;
  uclass: string | null;
  ulevel: number | null;
  rows: number;
  /** Forest columns are null before any scoring run (or for a run not keyed by playlog rows). */
  anomalousRows: number | null;
  maxScore: number | null;
  meanScore: number | null;
  zoneEntries: number;
  dwellSeconds: number;
  /** Longest single step, teleports included. */
  longestStep: number;
  /** Longest step that is not a teleport (map units per move). */
  fastestSpeed: number;
  teleports: number;
  /** Longest run of consecutive too-fast moving steps. */
  fastRun: number;
  firstSeen: string;
  lastSeen: string;
  flaggedBy: FlaggedBy;
  /** Human-readable evidence, rules first then forest, e.g. "entered Red zone 3× (412 s)". */
  reasons: string[];
  /** The player-level forest's score on the player's profile (null before a run with a player stage). */
  playerScore: number | null;
  /** The one reason that ranks the player: the strongest rule, else the profile feature that drove the score most. */
  topReason: string;
  /** The ranking key: rules fired + player-forest strength (see electron/investigate/ranking.ts). */
  suspicion: number;
  verdict: PlayerVerdict | null;
  note: string | null;
}

export interface FlaggedQuery {
  /** Default: the newest run (none: rules only). */
  runId?: number;
  /** Default: the run's stored cut-off. */
  cutoff?: string;
}

export interface FlaggedSummary {
  run: ScoringRun | null;
  cutoffValue: number | null;
  /** The player forest's flagging cut-off (median + k·MAD of player scores), null without one. */
  playerCutoff: number | null;
  /** Flagged players (plus players with a verdict), by source. */
  total: number;
  byRules: number;
  byForest: number;
  byBoth: number;
  verdicts: number;
}

export interface FlaggedPageRequest extends FlaggedQuery {
  offset: number;
  limit: number;
  /** A FlaggedPlayer field; default `rank`. */
  sort?: string;
  desc?: boolean;
  /** Matches pidx, class, reasons, verdict and note. */
  search?: string;
  flaggedBy?: FlaggedBy | 'any';
  verdict?: PlayerVerdict | 'none' | 'any';
}

export interface FlaggedPage {
  summary: FlaggedSummary;
  /** Rows after filtering. */
  matching: number;
  batch: ColumnBatch;
}

export interface PlayerRequest {
  pidx: number;
  runId?: number;
  cutoff?: string;
}

/** Everything the drill-down shows about one player. */
export interface PlayerDetail {
  pidx: number;
  /** The player's row in the flagged table (also when not flagged: flaggedBy 'none'). */
  summary: FlaggedPlayer;
  /** The player's events in time order: row_id, t (epoch ms), x, y, oldx, oldy, step, dt, speed, action, score, anomalous, in_zone, fast, teleport. */
  track: ColumnBatch;
  /** Level history from userlog: t (epoch ms), uclass, ulevel. */
  levels: ColumnBatch;
  /** Per-dimension attribution of the player's top-scoring rows (needs a run with a stored model). */
  attribution: { featureColumns: string[]; rows: { rowId: number; score: number; high: number[]; low: number[] }[] } | null;
  cutoffValue: number | null;
  /** The player's profile against the population, and what drove the player forest's score. */
  profile: PlayerScoreInfo | null;
  verdict: VerdictRecord | null;
  /** SQL for the console: the player's raw events (and scores when a run is chosen). */
  sql: { events: string; scores: string | null; profile: string };
}

export interface EventsPageRequest {
  pidx: number;
  runId?: number;
  offset: number;
  limit: number;
}

export interface BanExportRequest {
  /** Default: the newest run. */
  runId?: number;
  cutoff?: string;
  /** `ban` (default) or every verdict. */
  include?: 'ban' | 'all';
  /** Add the decision's columns: player score, flagged by, decided at, the run and evidence at decision time. */
  evidence?: boolean;
  /** Start the file with a UTF-8 byte-order mark, so Excel reads × and ≥ right. */
  bom?: boolean;
}

export interface InvestigateApi {
  'investigate.zones': Method<NoArgs, Zone[]>;
  /** Creates (no id) or updates a zone. */
  'investigate.saveZone': Method<Omit<Zone, 'id'> & { id?: number }, Zone>;
  'investigate.deleteZone': Method<{ id: number }, { deleted: boolean }>;
  'investigate.rules': Method<NoArgs, RuleSettings>;
  'investigate.saveRules': Method<Partial<RuleSettings>, RuleSettings>;
  'investigate.flagged': Method<FlaggedPageRequest, FlaggedPage>;
  'investigate.player': Method<PlayerRequest, PlayerDetail>;
  /** The player's raw events, paged for a virtualized grid. */
  'investigate.events': Method<EventsPageRequest, { total: number; batch: ColumnBatch }>;
  'investigate.setVerdict': Method<{ pidx: number; verdict: PlayerVerdict; note?: string; runId?: number }, VerdictRecord>;
  /** One verdict and note for several players, in one transaction. */
  'investigate.setVerdicts': Method<{ pidxs: number[]; verdict: PlayerVerdict; note?: string; runId?: number }, VerdictChange>;
  /** Changes the note of a player's current verdict (as the analyst types). */
  'investigate.saveNote': Method<{ pidx: number; note: string }, VerdictRecord>;
  'investigate.clearVerdict': Method<{ pidx: number }, { cleared: boolean }>;
  /** Undo: puts players' verdicts back as they were (null: none), recorded in the history as 'undo'. */
  'investigate.restoreVerdicts': Method<{ states: { pidx: number; previous: VerdictRecord | null }[] }, { restored: number }>;
  /** Every change of the player's verdict and note, newest first. */
  'investigate.verdictHistory': Method<{ pidx: number }, VerdictHistoryEntry[]>;
  'investigate.exportBans': Method<BanExportRequest, ExportedFile>;
}

/** How well a flagged list matches known cheaters (labels.csv or the analyst's ban verdicts): `evaluate`. */
export interface Evaluation {
  runId: number | null;
  /** Known cheaters (labelled players, or players with a ban verdict). */
  n: number;
  /** Players flagged by rules or forest (verdicts alone do not count). */
  flagged: number;
  /** Share of the top N of the ranking that are known cheaters. */
  precisionAtN: number;
  /** Share of known cheaters on the flagged list. */
  recall: number;
  /** Mean over known cheaters of the precision at each one's rank (0 for those not flagged). */
  averagePrecision: number;
  /** Known players the analyst judged false positives that are flagged (only with verdicts). */
  falsePositivesFlagged: number | null;
  behaviours: { behaviour: string; labelled: number; found: number; missed: number[] }[];
}
