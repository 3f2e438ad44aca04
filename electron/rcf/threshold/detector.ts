import { RcfInputError } from '../errors.ts';
import { StreamingForest, resolveStreamingParams, type StreamingParams } from '../streaming.ts';
import { checkInt, checkNumber } from '../validate.ts';
import { RunningStats, type RunningStatsState } from './running.ts';

/** A thresholded detector's parameters: the forest's, plus how the input is transformed and alerts are drawn. */
export interface DetectorParams extends StreamingParams {
  /** Score each row's change from the previous one instead of its value. Default false. */
  differencing?: boolean;
  /** Fade of the input normalisation per row. Default the forest's timeDecay. */
  statsDecay?: number;
  /** Fade of the score statistics per row. Default 1/(2·samplesPerTree): the threshold follows a stream's noisier and calmer stretches. */
  scoreDecay?: number;
  /** Alerts need a score above mean + zFactor·deviation of the recent scores. Default 3. */
  zFactor?: number;
  /** …and above this absolute score (scores near 1 are inliers). Default defaultMinScore(shingleSize). */
  minScore?: number;
  /** Scored rows before any alert, while the statistics settle. Default samplesPerTree. */
  warmup?: number;
  /** Rows below the threshold that close an incident. Default shingleSize. */
  closeAfter?: number;
}

/** One event: it alerts on its first row and absorbs the anomalous rows that follow until the stream is quiet again. */
export interface Incident {
  /** Row numbers since the detector started (rowsSeen), first and last anomalous row. */
  start: number;
  end: number;
  peakGrade: number;
  /** The first row's score. */
  score: number;
  /** The first row's values, what the forest expected there (per measure, input units), and each measure's share of its score. */
  actual: number[];
  expected: number[];
  attribution: number[];
  /** Whether rows still join it (false once closeAfter quiet rows passed). */
  open: boolean;
}

/** What process returns for its rows. */
export interface Detection {
  scores: Float64Array;
  /** The alert's grade in (0, 1] on an incident's first row, 0 elsewhere. */
  grades: Float64Array;
  /** 1 where an incident starts (grade > 0). */
  anomaly: Uint8Array;
  /** 1 on every row an incident covers (its first to its last anomalous row seen so far). */
  inIncident: Uint8Array;
  /** Incidents that started or went on in these rows (copies; a later call may extend an open one). */
  incidents: Incident[];
}

export interface DetectorState {
  params: Required<DetectorParams>;
  rows: number;
  scored: number;
  last: number[];
  input: RunningStatsState[];
  score: RunningStatsState;
  quiet: number;
  incident: Incident | null;
}

/** Normalised inputs beyond this many deviations are clipped, so huge values give finite scores. */
const Z_CAP = 1e3;

/**
 * After warm-up a score enters the score statistics clipped at mean + this many deviations, so one
 * incident's high scores do not lift the threshold over the next one (a winsorised running deviation).
 */
const SCORE_CLIP = 3;

/**
 * The least score that may alert. A point's isolation is spread over its shingle's dimensions, so inliers
 * score lower as the shingle grows and the floor falls with it. Measured (T=100, S=256, z=3): at shingle 1
 * on the demo streams a floor of 1 lets 1–2% of quiet windows alert and 2 keeps them under 0.2%; on the NAB
 * development set the best floor at shingle 8 was 1.3 (46 of 58 windows, 118 false positives) and at
 * shingle 48 0.8 (39 of 58, 60). The floor is the log-line through 2 at shingle 1 and 1.3 at shingle 8,
 * held at TRCF's absolute threshold 0.8 from shingle 34 on.
 */
export function defaultMinScore(shingleSize: number): number {
  return Math.max(0.8, 2 - 0.34 * Math.log(shingleSize));
}

export function resolveDetectorParams(p: DetectorParams = {}): Required<DetectorParams> {
  const forest = resolveStreamingParams(p);
  return {
    ...forest,
    differencing: p.differencing ?? false,
    statsDecay: checkNumber(p.statsDecay ?? forest.timeDecay, 'statsDecay', 0, 1),
    scoreDecay: checkNumber(p.scoreDecay ?? 1 / (2 * forest.samplesPerTree), 'scoreDecay', 0, 1),
    zFactor: checkNumber(p.zFactor ?? 3, 'zFactor', 0),
    minScore: checkNumber(p.minScore ?? defaultMinScore(forest.shingleSize), 'minScore', 0),
    warmup: checkInt(p.warmup ?? forest.samplesPerTree, 'warmup', 0),
    closeAfter: checkInt(p.closeAfter ?? forest.shingleSize, 'closeAfter', 1),
  };
}

/**
 * A streaming forest with TRCF's thresholding around it (AWS ThresholdedRandomCutForest, in spirit): rows
 * are normalised by running mean and deviation (optionally differenced first), scored, and a score above
 * the running threshold of recent scores opens an incident whose first row alerts with a grade. Rows with
 * a gap (NaN) are filled with the running mean and never alert.
 */
export class ThresholdedDetector {
  readonly params: Required<DetectorParams>;
  readonly forest: StreamingForest;
  private rows = 0;
  private scored = 0;
  private last: number[];
  private input: RunningStats[];
  private score: RunningStats;
  private quiet = 0;
  private incident: Incident | null = null;

  constructor(
    readonly dims: number,
    params: DetectorParams = {},
    forest?: StreamingForest,
  ) {
    checkInt(dims, 'dims', 1);
    this.params = resolveDetectorParams(params);
    this.forest = forest ?? new StreamingForest(dims, this.params);
    if (this.forest.inputDims !== dims) throw new RcfInputError(`the forest takes ${this.forest.inputDims} measures, not ${dims}`);
    this.last = new Array(dims).fill(NaN);
    this.input = Array.from({ length: dims }, () => new RunningStats(this.params.statsDecay));
    this.score = new RunningStats(this.params.scoreDecay);
  }

  get state(): DetectorState {
    return {
      params: { ...this.params },
      rows: this.rows,
      scored: this.scored,
      last: [...this.last],
      input: this.input.map((s) => s.state),
      score: this.score.state,
      quiet: this.quiet,
      incident: this.incident && { ...this.incident },
    };
  }

  static restore(state: DetectorState, forest: StreamingForest): ThresholdedDetector {
    const d = new ThresholdedDetector(state.input.length, state.params, forest);
    if (forest.rowsSeen !== state.rows) throw new RcfInputError(`the detector has seen ${state.rows} rows but its forest ${forest.rowsSeen}`);
    d.rows = state.rows;
    d.scored = state.scored;
    d.last = [...state.last];
    d.input = state.input.map((s) => new RunningStats(d.params.statsDecay, s));
    d.score = new RunningStats(d.params.scoreDecay, state.score);
    d.quiet = state.quiet;
    d.incident = state.incident && { ...state.incident };
    return d;
  }

  get rowsSeen(): number {
    return this.rows;
  }

  /** The current alert threshold on the score. */
  get threshold(): number {
    return Math.max(this.params.minScore, this.score.mean + this.params.zFactor * this.score.deviation);
  }

  /** Detects over rows (dims values each, NaN for a gap), in order, continuing from the rows before. */
  process(values: Float64Array): Detection {
    const { dims } = this;
    if (values.length % dims !== 0) throw new RcfInputError(`${values.length} values do not make whole rows of ${dims} measures`);
    const n = values.length / dims;
    const first = this.rows;
    const normal = new Float64Array(n * dims);
    const centre = new Float64Array(n * dims);
    const scale = new Float64Array(n * dims);
    const before = new Float64Array(n * dims);
    const gap = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dims; j++) {
        const k = i * dims + j;
        const x = values[k];
        const stats = this.input[j];
        centre[k] = stats.mean;
        scale[k] = Math.max(stats.deviation, 1e-9 * (Math.abs(stats.mean) + 1));
        if (!Number.isFinite(x)) {
          gap[i] = 1;
          continue; // normal[k] = 0: the running mean
        }
        before[k] = Number.isFinite(this.last[j]) ? this.last[j] : x;
        const v = this.params.differencing ? (Number.isFinite(this.last[j]) ? x - this.last[j] : 0) : x;
        this.last[j] = x;
        normal[k] = Math.max(-Z_CAP, Math.min(Z_CAP, (v - centre[k]) / scale[k]));
        stats.add(v);
      }
    }
    const out: Detection = {
      scores: new Float64Array(n),
      grades: new Float64Array(n),
      anomaly: new Uint8Array(n),
      inIncident: new Uint8Array(n),
      incidents: [],
    };
    const touched = new Set<Incident>();
    if (this.incident) touched.add(this.incident);
    const { numTrees, shingleSize } = this.forest.params;
    const newest = new Uint8Array(dims * shingleSize).fill(1, dims * (shingleSize - 1));
    const attribution = new Float64Array(2 * dims * shingleSize);
    this.forest.processSums(normal, undefined, (i, sum) => {
      const score = sum / numTrees;
      out.scores[i] = score;
      const threshold = this.threshold;
      const warm = this.scored >= this.params.warmup;
      this.scored++;
      if (gap[i]) return;
      this.score.add(warm ? Math.min(score, this.score.mean + SCORE_CLIP * this.score.deviation) : score);
      const grade = warm && score > threshold ? (score - threshold) / (score - this.score.mean || 1) : 0;
      const open = this.incident?.open ? this.incident : null;
      if (open) {
        if (grade > 0) {
          this.quiet = 0;
          open.end = first + i;
          open.peakGrade = Math.max(open.peakGrade, grade);
        } else if (++this.quiet >= this.params.closeAfter) open.open = false;
        return;
      }
      if (grade <= 0) return;
      out.grades[i] = grade;
      out.anomaly[i] = 1;
      const expected = this.forest.imputeCurrent(newest);
      this.forest.attributeCurrent(attribution);
      const row = values.subarray(i * dims, (i + 1) * dims);
      const incident: Incident = {
        start: first + i,
        end: first + i,
        peakGrade: grade,
        score,
        actual: Array.from(row),
        expected: Array.from(row, (_, j) => {
          const k = i * dims + j;
          const v = expected[dims * (shingleSize - 1) + j] * scale[k] + centre[k];
          return this.params.differencing ? before[k] + v : v;
        }),
        attribution: Array.from(row, (_, j) => {
          let s = 0;
          for (let p = 0; p < shingleSize; p++) s += attribution[2 * (p * dims + j)] + attribution[2 * (p * dims + j) + 1];
          return s / numTrees;
        }),
        open: true,
      };
      this.incident = incident;
      this.quiet = 0;
      touched.add(incident);
    });
    this.rows += n;
    for (const inc of touched) {
      for (let r = Math.max(inc.start, first); r <= inc.end; r++) out.inIncident[r - first] = 1;
      out.incidents.push({ ...inc, actual: [...inc.actual], expected: [...inc.expected], attribution: [...inc.attribution] });
    }
    return out;
  }
}
