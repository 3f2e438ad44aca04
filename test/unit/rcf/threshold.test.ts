import { describe, expect, it } from 'vitest';
import { deserializeDetector, RcfInputError, serializeDetector, ThresholdedDetector, type DetectorParams } from '../../../electron/rcf/index.ts';
import { Rng } from '../../../electron/rcf/random.ts';

const PARAMS: DetectorParams = { numTrees: 30, samplesPerTree: 64, shingleSize: 4, seed: 7 };

/** A noisy daily-like wave with spikes planted at `spikes` (value + height). */
function series(n: number, spikes: number[] = [], height = 12): Float64Array {
  const rng = new Rng(3, 0);
  const v = Float64Array.from({ length: n }, (_, i) => 10 + 3 * Math.sin((2 * Math.PI * i) / 50) + 0.3 * (rng.next() - 0.5));
  for (const s of spikes) v[s] += height;
  return v;
}

const alerts = (a: Uint8Array) => [...a.keys()].filter((i) => a[i]);

describe('ThresholdedDetector', () => {
  it('alerts once per planted spike, nowhere else, with the expected value near the normal level', () => {
    const spikes = [700, 1100, 1500];
    const v = series(2000, spikes);
    const det = new ThresholdedDetector(1, PARAMS).process(v);
    const at = alerts(det.anomaly);
    for (const s of spikes) expect(at.filter((i) => i >= s && i < s + 4)).toHaveLength(1);
    expect(at).toHaveLength(spikes.length);
    for (const i of at) expect(det.grades[i]).toBeGreaterThan(0);
    for (const i of at) expect(det.grades[i]).toBeLessThanOrEqual(1);
    for (const inc of det.incidents) {
      expect(inc.actual[0]).toBeGreaterThan(inc.expected[0] + 8);
      expect(Math.abs(inc.expected[0] - (v[inc.start] - 12))).toBeLessThan(3);
      expect(inc.attribution[0]).toBeGreaterThan(0);
      expect(inc.end).toBeGreaterThanOrEqual(inc.start);
    }
    expect(det.grades.every((g, i) => g > 0 === (det.anomaly[i] === 1))).toBe(true);
  });

  it('gives no alert in the warm-up', () => {
    const v = series(400, [40, 120]);
    const det = new ThresholdedDetector(1, { ...PARAMS, warmup: 200 }).process(v);
    expect(alerts(det.anomaly).every((i) => i >= 200)).toBe(true);
  });

  it('finds spikes on the differenced series too, expected in input units', () => {
    const v = series(1500, [900]);
    const det = new ThresholdedDetector(1, { ...PARAMS, differencing: true }).process(v);
    expect(alerts(det.anomaly).filter((i) => i >= 900 && i < 904)).toHaveLength(1);
    const inc = det.incidents.find((i) => i.start >= 900 && i.start < 904)!;
    expect(Math.abs(inc.expected[0] - (v[inc.start] - 12))).toBeLessThan(3);
  });

  it('attributes a two-measure spike to the measure that moved', () => {
    const a = series(1500, [1000]);
    const b = series(1500);
    const rows = new Float64Array(3000);
    for (let i = 0; i < 1500; i++) [rows[2 * i], rows[2 * i + 1]] = [b[i], a[i]];
    const inc = new ThresholdedDetector(2, PARAMS).process(rows).incidents.find((x) => x.start >= 1000 && x.start < 1004)!;
    expect(inc.attribution[1]).toBeGreaterThan(inc.attribution[0]);
  });

  it('continues bit-identically after serialising, mid-incident included', () => {
    const v = series(1600, [900, 1300]);
    const whole = new ThresholdedDetector(1, PARAMS).process(v);
    for (const cut of [600, 901]) {
      const first = new ThresholdedDetector(1, PARAMS);
      const a = first.process(v.subarray(0, cut));
      const bytes = serializeDetector(first);
      const again = deserializeDetector(bytes);
      expect(serializeDetector(again)).toEqual(bytes);
      const b = again.process(v.subarray(cut));
      expect(Float64Array.from([...a.scores, ...b.scores])).toEqual(whole.scores);
      expect(Float64Array.from([...a.grades, ...b.grades])).toEqual(whole.grades);
      const byStart = new Map([...a.incidents, ...b.incidents].map((i) => [i.start, i]));
      expect([...byStart.values()].map(({ open: _, ...i }) => i).filter((i) => i.start < 1500)).toEqual(
        whole.incidents.map(({ open: _, ...i }) => i).filter((i) => i.start < 1500),
      );
    }
  });

  it('grades a constant series 0', () => {
    const det = new ThresholdedDetector(1, PARAMS).process(new Float64Array(1000).fill(5));
    expect(det.grades.every((g) => g === 0)).toBe(true);
    expect(det.scores.every(Number.isFinite)).toBe(true);
  });

  it('fills gaps (NaN, Infinity) without alerting on them or producing NaN', () => {
    const v = series(1200);
    for (let i = 500; i < 520; i++) v[i] = NaN;
    v[700] = Infinity;
    const det = new ThresholdedDetector(1, PARAMS).process(v);
    expect(det.scores.every(Number.isFinite)).toBe(true);
    expect(det.grades.every((g) => g >= 0 && g <= 1)).toBe(true);
    expect(det.anomaly[700]).toBe(0);
    for (let i = 500; i < 520; i++) expect(det.anomaly[i]).toBe(0);
    const bytes = serializeDetector(new ThresholdedDetector(1, PARAMS));
    expect(() => deserializeDetector(bytes)).not.toThrow();
  });

  it('handles a single point and huge values with finite grades', () => {
    const one = new ThresholdedDetector(1, PARAMS).process(Float64Array.of(3));
    expect([...one.grades]).toEqual([0]);
    const v = series(1000);
    v[800] = 1e300;
    v[801] = -1e300;
    const det = new ThresholdedDetector(1, PARAMS).process(v);
    expect(det.scores.every(Number.isFinite)).toBe(true);
    expect(det.grades.every((g) => g >= 0 && g <= 1)).toBe(true);
    expect(det.anomaly[800]).toBe(1);
    expect(det.incidents.every((i) => i.expected.every(Number.isFinite))).toBe(true);
  });

  it('refuses rows that do not fit its measures and bad bytes', () => {
    expect(() => new ThresholdedDetector(2, PARAMS).process(new Float64Array(3))).toThrow(RcfInputError);
    expect(() => deserializeDetector(new Uint8Array(8))).toThrow(RcfInputError);
  });
});
