import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/envelope.ts';
import { parseMeasure, parseWindow, resolveForest, validateDefinition } from '../../../electron/streams/definition.ts';
import { parseThreshold, thresholdText } from '../../../shared/cutoff.ts';
import { moments } from '../../../electron/rcf/index.ts';
import { detectSettings, resolveCutoff } from '../../../electron/streams/threshold.ts';

describe('stream definitions', () => {
  it('parses windows in seconds, minutes, hours', () => {
    expect(parseWindow('10s')).toBe(10);
    expect(parseWindow('1 min')).toBe(60);
    expect(parseWindow('30min')).toBe(1800);
    expect(parseWindow('2h')).toBe(7200);
    expect(() => parseWindow('0.5s')).toThrow(/whole number/);
    expect(() => parseWindow('ten seconds')).toThrow(ApiError);
  });

  it('parses the CLI measure syntax', () => {
    expect(parseMeasure('vehicles=count')).toEqual({ name: 'vehicles', kind: 'count' });
    expect(parseMeasure("clicks=count if browseraction = 'Click'")).toEqual({ name: 'clicks', kind: 'count', where: "browseraction = 'Click'" });
    expect(parseMeasure('fare=sum(amount)')).toEqual({ name: 'fare', kind: 'sum', column: 'amount' });
    expect(parseMeasure('speed=avg(speed) if lane = 2')).toEqual({ name: 'speed', kind: 'avg', column: 'speed', where: 'lane = 2' });
    expect(parseMeasure('ctr=clicks / impressions')).toEqual({ name: 'ctr', kind: 'ratio', numerator: 'clicks', denominator: 'impressions' });
    expect(() => parseMeasure('x=median(a)')).toThrow(/expected count/);
    expect(() => parseMeasure('count')).toThrow(/must look like/);
  });

  it('parses thresholds', () => {
    expect(parseThreshold('2.5')).toEqual({ kind: 'score', value: 2.5 });
    expect(parseThreshold('3sigma')).toEqual({ kind: 'sigma', k: 3 });
    expect(parseThreshold('mean+3σ')).toEqual({ kind: 'sigma', k: 3 });
    expect(parseThreshold('auto')).toEqual({ kind: 'detector' });
    expect(parseThreshold(' Auto:4.5 ')).toEqual({ kind: 'detector', zFactor: 4.5 });
    for (const t of [{ kind: 'detector' }, { kind: 'detector', zFactor: 4 }, { kind: 'score', value: 2.5 }, { kind: 'sigma', k: 3 }] as const)
      expect(parseThreshold(thresholdText(t))).toEqual(t);
    expect(() => parseThreshold('high')).toThrow(ApiError);
    expect(() => parseThreshold('auto:0')).toThrow(ApiError);
  });

  it('validates a definition and applies defaults', () => {
    const def = validateDefinition({
      name: 'ctr',
      sourceTable: 'click_events',
      timeColumn: 'ts',
      window: '10s',
      measures: [
        parseMeasure("clicks=count if browseraction='Click'"),
        parseMeasure("impressions=count if browseraction='Impression'"),
        parseMeasure('ctr=clicks/impressions'),
      ],
    });
    expect(def.windowSeconds).toBe(10);
    expect(def.threshold).toEqual({ kind: 'detector' });
    expect(def.forest).toEqual({});
  });

  it('refuses bad definitions with a clear reason', () => {
    const base = { name: 's', sourceTable: 't', timeColumn: 'ts', window: '10s', measures: [{ name: 'n', kind: 'count' as const }] };
    expect(() => validateDefinition({ ...base, sourceQuery: 'SELECT 1' })).toThrow(/exactly one/);
    expect(() => validateDefinition({ ...base, measures: [] })).toThrow(/at least one measure/);
    expect(() => validateDefinition({ ...base, measures: [...base.measures, { name: 'n', kind: 'count' }] })).toThrow(/defined twice/);
    expect(() => validateDefinition({ ...base, measures: [{ name: 'r', kind: 'ratio', numerator: 'a', denominator: 'n' }, ...base.measures] })).toThrow(
      /refers to "a"/,
    );
    expect(() => validateDefinition({ ...base, measures: [{ name: 'bad name', kind: 'count' }] })).toThrow(/identifier/);
    expect(() => validateDefinition({ ...base, forest: { shingleSize: 0 } })).toThrow(/shingleSize/);
  });

  it('uses the Kinesis defaults unless set', () => {
    expect(resolveForest()).toEqual({ numTrees: 100, samplesPerTree: 256, shingleSize: 1, timeDecay: 1 / 2560, outputAfter: 64, seed: 42 });
    expect(resolveForest({ shingleSize: 48 }).shingleSize).toBe(48);
  });

  it('resolves fixed and mean + kσ cut-offs', () => {
    const stats = moments([1, 2, 3, NaN, 4]);
    expect(stats.count).toBe(4);
    expect(stats.mean).toBeCloseTo(2.5);
    expect(stats.sd).toBeCloseTo(Math.sqrt(1.25));
    expect(resolveCutoff({ kind: 'score', value: 2.5 }, stats)).toBe(2.5);
    expect(resolveCutoff({ kind: 'sigma', k: 3 }, stats)).toBeCloseTo(2.5 + 3 * Math.sqrt(1.25));
    expect(resolveCutoff({ kind: 'detector' }, stats)).toBe(0); // a grade above 0 alerts
  });

  it("gives the detector's settings, with a floor that falls toward 1 as the shingle grows", () => {
    expect(detectSettings({ kind: 'score', value: 2.5 }, 1)).toBeUndefined();
    expect(detectSettings({ kind: 'detector' }, 1)).toEqual({ zFactor: 3, minScore: 2 });
    expect(detectSettings({ kind: 'detector', zFactor: 4 }, 4)).toEqual({ zFactor: 4, minScore: 2 - 0.34 * Math.log(4) });
  });
});
