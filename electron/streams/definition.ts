import { ApiError } from '../../shared/api/envelope.ts';
import type { ForestSettings, MeasureDef, MeasureKind, StreamDefinition, StreamDefinitionInput, Threshold } from '../../shared/api/streams.ts';
import { validateThreshold } from '../../shared/cutoff.ts';
import { requireInteger, requireNumber } from '../../shared/api/validate.ts';

/** Kinesis RANDOM_CUT_FOREST defaults; time decay as AWS's library: 1 / (10 · samples). */
export function resolveForest(overrides: Partial<ForestSettings> = {}): ForestSettings {
  const samplesPerTree = intIn(overrides.samplesPerTree ?? 256, 'samplesPerTree', 4, 2048);
  return {
    numTrees: intIn(overrides.numTrees ?? 100, 'numTrees', 1, 1000),
    samplesPerTree,
    shingleSize: intIn(overrides.shingleSize ?? 1, 'shingleSize', 1, 1024),
    timeDecay: numberIn(overrides.timeDecay ?? 1 / (10 * samplesPerTree), 'timeDecay', 0, 1),
    // AWS's library starts reporting once a quarter of the sample is filled.
    outputAfter: intIn(overrides.outputAfter ?? Math.ceil(samplesPerTree / 4), 'outputAfter', 1, 10_000_000),
    seed: intIn(overrides.seed ?? 42, 'seed', 0, 2 ** 31 - 1),
  };
}

/** The thresholded detector; the Kinesis toll lab's fixed score (2.5) and mean + kσ are one flag away. */
export const DEFAULT_THRESHOLD: Threshold = { kind: 'detector' };

const UNITS: [RegExp, number][] = [
  [/^(s|sec|secs|second|seconds)$/, 1],
  [/^(m|min|mins|minute|minutes)$/, 60],
  [/^(h|hr|hrs|hour|hours)$/, 3600],
  [/^(d|day|days)$/, 86_400],
];

/** "10s", "1 min", "30min", "2h" → seconds. */
export function parseWindow(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = m && UNITS.find(([re]) => re.test(m[2].toLowerCase()));
  if (!m || !unit) throw new ApiError('BAD_REQUEST', `window "${text}" is not a duration like 10s, 1min, 30min or 1h`);
  const seconds = Number(m[1]) * unit[1];
  if (!Number.isInteger(seconds) || seconds < 1) throw new ApiError('BAD_REQUEST', `window "${text}" must be a whole number of seconds, at least 1`);
  return seconds;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const KINDS: MeasureKind[] = ['count', 'sum', 'avg', 'min', 'max', 'ratio'];

/** Checks the shape of a definition; whether its columns exist is checked against the data by the service. */
export function validateDefinition(input: StreamDefinitionInput): StreamDefinition {
  if (!input || typeof input !== 'object') throw new ApiError('BAD_REQUEST', 'definition must be an object');
  const name = String(input.name ?? '').trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
    throw new ApiError('BAD_REQUEST', `stream name "${name}" must be 1–64 letters, digits, _ . - (starting with a letter or digit)`);
  const table = input.sourceTable?.trim();
  const query = input.sourceQuery?.trim().replace(/;\s*$/, '');
  if (!!table === !!query) throw new ApiError('BAD_REQUEST', 'give exactly one of sourceTable and sourceQuery');
  const timeColumn = requireText(input.timeColumn, 'timeColumn');
  const windowSeconds = parseWindow(requireText(input.window, 'window'));
  const keyColumn = input.keyColumn?.trim() || undefined;
  if (!Array.isArray(input.measures) || input.measures.length === 0) throw new ApiError('BAD_REQUEST', 'a stream needs at least one measure');
  const measures = input.measures.map((m) => validateMeasure(m));
  const names = new Set<string>();
  for (const m of measures) {
    if (names.has(m.name.toLowerCase())) throw new ApiError('BAD_REQUEST', `measure "${m.name}" is defined twice`);
    names.add(m.name.toLowerCase());
  }
  for (const m of measures.filter((x) => x.kind === 'ratio')) {
    for (const part of [m.numerator!, m.denominator!]) {
      const ref = measures.find((x) => x.name === part);
      if (!ref) throw new ApiError('BAD_REQUEST', `ratio "${m.name}" refers to "${part}", which is not a measure of this stream`);
      if (ref.kind === 'ratio') throw new ApiError('BAD_REQUEST', `ratio "${m.name}" must divide plain measures, and "${part}" is a ratio`);
    }
  }
  const forest = input.forest ?? {};
  resolveForest(forest); // rejects bad overrides now rather than at scoring time
  return {
    name,
    ...(table ? { sourceTable: table } : { sourceQuery: query }),
    timeColumn,
    window: input.window.trim(),
    windowSeconds,
    ...(keyColumn ? { keyColumn } : {}),
    measures,
    forest: Object.fromEntries(Object.entries(forest).filter(([, v]) => v !== undefined)),
    threshold: input.threshold ? validateThreshold(input.threshold) : DEFAULT_THRESHOLD,
  };
}

function validateMeasure(m: MeasureDef): MeasureDef {
  if (!m || typeof m !== 'object') throw new ApiError('BAD_REQUEST', 'each measure must be an object');
  if (!NAME.test(m.name ?? '')) throw new ApiError('BAD_REQUEST', `measure name "${m.name}" must be an identifier (letters, digits, _)`);
  if (!KINDS.includes(m.kind)) throw new ApiError('BAD_REQUEST', `measure "${m.name}": kind must be one of ${KINDS.join(', ')}`);
  const where = m.where?.trim() || undefined;
  if (m.kind === 'ratio') {
    if (where) throw new ApiError('BAD_REQUEST', `ratio "${m.name}" takes no condition; put conditions on its numerator and denominator`);
    return {
      name: m.name,
      kind: 'ratio',
      numerator: requireText(m.numerator, `${m.name}.numerator`),
      denominator: requireText(m.denominator, `${m.name}.denominator`),
    };
  }
  if (m.kind === 'count') return { name: m.name, kind: 'count', ...(where ? { where } : {}) };
  return { name: m.name, kind: m.kind, column: requireText(m.column, `${m.name}.column`), ...(where ? { where } : {}) };
}

/**
 * The CLI's measure syntax: `vehicles=count`, `clicks=count if browseraction = 'Click'`,
 * `fare=sum(amount)`, `speed=avg(speed) if lane = 2`, `ctr=clicks/impressions`.
 */
export function parseMeasure(spec: string): MeasureDef {
  const eq = spec.indexOf('=');
  if (eq < 1) throw new ApiError('BAD_REQUEST', `measure "${spec}" must look like name=count, name=sum(col), name=a/b (optionally "... if CONDITION")`);
  const name = spec.slice(0, eq).trim();
  const body = spec.slice(eq + 1).trim();
  const [, expr, where] = /^(.*?)(?:\s+if\s+(.+))?$/is.exec(body)!;
  const agg = /^(count)(?:\(\s*\*?\s*\))?$|^(sum|avg|min|max)\(\s*(.+?)\s*\)$/i.exec(expr.trim());
  if (agg?.[1]) return validateMeasure({ name, kind: 'count', ...(where ? { where } : {}) });
  if (agg?.[2]) return validateMeasure({ name, kind: agg[2].toLowerCase() as MeasureKind, column: agg[3], ...(where ? { where } : {}) });
  const ratio = /^([A-Za-z_]\w*)\s*\/\s*([A-Za-z_]\w*)$/.exec(expr.trim());
  if (ratio && !where) return validateMeasure({ name, kind: 'ratio', numerator: ratio[1], denominator: ratio[2] });
  throw new ApiError('BAD_REQUEST', `measure "${spec}": expected count, sum(col), avg(col), min(col), max(col) or a/b of two measures`);
}

export function describeMeasure(m: MeasureDef): string {
  const base = m.kind === 'ratio' ? `${m.numerator}/${m.denominator}` : m.kind === 'count' ? 'count' : `${m.kind}(${m.column})`;
  return `${m.name}=${base}${m.where ? ` if ${m.where}` : ''}`;
}

function requireText(v: unknown, name: string): string {
  if (typeof v !== 'string' || !v.trim()) throw new ApiError('BAD_REQUEST', `"${name}" must be a non-empty string`);
  return v.trim();
}

const intIn = (v: number, name: string, min: number, max: number) => requireInteger(v, name, { min, max });

const numberIn = (v: number, name: string, min: number, max: number) => requireNumber(v, name, { min, max });
