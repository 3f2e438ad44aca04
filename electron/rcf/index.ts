/**
 * Redzone's Random Cut Forest: a pure library (no I/O, no Node APIs). Points are row-major Float64Arrays
 * plus a dimension count. Scores are on AWS randomcutforest's scale (inliers near 1).
 */
export { RcfInputError } from './errors.ts';
export {
  trainForest,
  drawSamples,
  buildForest,
  scoreForest,
  scorePoints,
  attributeForest,
  attributePoints,
  attributionScores,
  resolveForestParams,
  type Forest,
  type ForestParams,
} from './forest.ts';
export { StreamingForest, resolveStreamingParams, type StreamingParams, type StreamingForestState } from './streaming.ts';
export { shingle } from './shingle.ts';
export { serializeForest, deserializeForest, forestHeader, serializeStreamingForest, deserializeStreamingForest } from './serialize.ts';
export { dedupeRows, scatter, RowMemo, type Deduped } from './dedupe.ts';
export { checkPoints } from './validate.ts';
export { mean, sd, moments, spearman, type Moments } from './stats.ts';
export { Rng } from './random.ts';
export {
  ThresholdedDetector,
  defaultMinScore,
  resolveDetectorParams,
  type DetectorParams,
  type DetectorState,
  type Detection,
  type Incident,
} from './threshold/detector.ts';
export { serializeDetector, deserializeDetector } from './threshold/serialize.ts';
