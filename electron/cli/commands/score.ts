import { availableParallelism } from 'node:os';
import { RcfInputError, ThresholdedDetector, type DetectorParams } from '../../rcf/index.ts';
import { scoreWorkspace, SCORE_WORKSPACE_HELP } from './scoreWorkspace.ts';
import { CsvFileError, readCsvPoints, writeScoredCsv } from '../../scoring/csvPoints.ts';
import { createScoringPool } from '../../scoring/pool.ts';
import { intOption, numberOption, parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';

const OPTIONS = {
  in: { type: 'string' },
  out: { type: 'string' },
  columns: { type: 'string' },
  trees: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  stream: { type: 'boolean' },
  shingle: { type: 'string' },
  'time-decay': { type: 'string' },
  attribution: { type: 'boolean' },
  detect: { type: 'boolean' },
  workers: { type: 'string' },
} as const;

export const scoreCommand: Command = {
  help: `Usage: npm run cli -- score --in FILE.csv --out FILE.csv [options]

Reads a CSV with a header, scores its numeric columns with a Random Cut Forest and writes the same rows
with a "score" column appended (inliers score near 1; AWS randomcutforest's scale).
  --columns a,b       columns to score (default: every column)
  --trees N           trees (SageMaker num_trees / Kinesis numberOfTrees), default 100
  --samples N         samples per tree (num_samples_per_tree / subSampleSize), default 256
  --seed N            random seed, default 0 (same seed and input → same scores)
  --stream            streaming forest: score each row, then learn it (rows in file order);
                      score is 0 until the forest is ready (samples/4 rows), as in Kinesis
    --shingle K       shingle size: score the last K rows of the columns together, default 1
    --time-decay X    sampling weight grows as exp(X·t), default 1/(10·samples)
    --detect          thresholded detection (as AWS ThresholdedRandomCutForest): the columns are
                      normalised by their running mean and deviation before scoring, and "grade"
                      (0..1, > 0 where an incident starts), "anomaly" (0/1) and expected_<column>
                      (what the forest expected on an alerting row, empty elsewhere) are appended
  --attribution       batch only: also append <column>_attr_high and <column>_attr_low per column,
                      how much of the score comes from the value being above / below the usual range
  --workers N         worker threads, default the number of cores
  --workspace FILE    score the workspace's play log (or a query) and store a run: see below

Example: npm run cli -- score --in plays.csv --out scored.csv --columns x,y --trees 200 --samples 1000

${SCORE_WORKSPACE_HELP}`,

  async run(argv, io) {
    if (argv.some((a) => a === '--workspace' || a.startsWith('--workspace='))) return scoreWorkspace(argv, io);
    const { values } = parseCommandArgs(argv, OPTIONS);
    if (!values.in || !values.out) throw new CliError('score needs --in FILE.csv and --out FILE.csv (see --help)');
    if (values.stream && values.attribution) throw new CliError('--attribution is only available in batch mode (without --stream)');
    if (!values.stream && (values.shingle !== undefined || values['time-decay'] !== undefined || values.detect)) {
      throw new CliError('--shingle, --time-decay and --detect apply to --stream');
    }
    const trees = intOption(values.trees, 'trees', 100, 1);
    const samples = intOption(values.samples, 'samples', 256, 1);
    const seed = intOption(values.seed, 'seed', 0, 0);
    const workers = intOption(values.workers, 'workers', availableParallelism(), 1);
    const shingle = intOption(values.shingle, 'shingle', 1, 1);
    const timeDecay = numberOption(values['time-decay'], 'time-decay', 1 / (10 * samples));
    const wanted = values.columns?.split(',').map((c) => c.trim());

    // Workers load while the CSV is read: the CLI's main thread has nothing else to do, so use every core.
    const pool = createScoringPool({ size: workers });
    try {
      const started = performance.now();
      const csv = await readCsvPoints(values.in, wanted);
      const { dims } = csv;
      const points = csv.points.subarray(0, csv.rows * dims);
      const opts = { columns: csv.columns };
      let scores: Float64Array;
      let attribution: Float64Array | undefined;
      let extra = ['score'];
      if (values.detect) {
        ({ scores, table: attribution } = detectColumns(points, dims, { numTrees: trees, samplesPerTree: samples, seed, shingleSize: shingle, timeDecay }));
        extra = ['score', 'grade', 'anomaly', ...csv.columns.map((c) => `expected_${c}`)];
      } else if (values.stream) {
        ({ scores } = await pool.scoreStream(points, dims, { numTrees: trees, samplesPerTree: samples, seed, shingleSize: shingle, timeDecay }, opts));
      } else {
        ({ scores, attribution } = await pool.scoreBatch(
          points,
          dims,
          { numTrees: trees, samplesPerTree: samples, seed },
          { ...opts, attribution: values.attribution },
        ));
      }
      if (values.attribution) extra = ['score', ...csv.columns.flatMap((c) => [`${c}_attr_high`, `${c}_attr_low`])];
      await writeScoredCsv(values.out, csv, extra, scores, attribution);
      const secs = (performance.now() - started) / 1000;
      io.out(`scored ${csv.rows.toLocaleString('en-US')} rows × ${dims} columns (${csv.columns.join(', ')}) in ${secs.toFixed(2)} s → ${values.out}`);
      return 0;
    } catch (e) {
      if (e instanceof RcfInputError || e instanceof CsvFileError) throw new CliError(e.message);
      throw e;
    } finally {
      await pool.close();
    }
  },
};

/** The detector over the rows in file order: scores, and per row grade, anomaly and the expected values (NaN off alerts). */
function detectColumns(points: Float64Array, dims: number, params: DetectorParams): { scores: Float64Array; table: Float64Array } {
  const det = new ThresholdedDetector(dims, params).process(points);
  const width = 2 + dims;
  const n = det.scores.length;
  const table = new Float64Array(n * width).fill(NaN);
  for (let r = 0; r < n; r++) {
    table[r * width] = det.grades[r];
    table[r * width + 1] = det.anomaly[r];
  }
  for (const inc of det.incidents) table.set(inc.expected, inc.start * width + 2);
  return { scores: det.scores, table };
}
