import { describe, expect, it } from 'vitest';
import { cellValue, numberValues, textColumn } from '../../../shared/api/columns.ts';
import { decodeFrame, encodeFrame } from '../../../shared/api/wire.ts';

describe('binary frame for the HTTP transport', () => {
  it('round-trips typed arrays at any nesting, with their exact bytes', () => {
    const value = {
      ok: true,
      value: {
        rowCount: 3,
        columns: [
          { name: 'x', type: 'DOUBLE', kind: 'number' as const, values: new Float64Array([1.5, -0, NaN]) },
          { name: 'd', type: 'DATE', kind: 'date' as const, values: new Int32Array([1, 2, 3]), nulls: new Uint8Array([0, 1, 0]) },
          textColumn('s', ['a', 'ü', null]),
        ],
        big: new BigInt64Array([2n ** 62n]),
      },
    };
    const back = decodeFrame<typeof value>(encodeFrame(value));
    const x = numberValues(back.value.columns[0]);
    expect(x).toBeInstanceOf(Float64Array);
    expect(Array.from(x)).toEqual([1.5, -0, NaN]);
    expect(Object.is(x[1], -0)).toBe(true);
    expect(back.value.columns[1].nulls).toEqual(new Uint8Array([0, 1, 0]));
    expect(back.value.big[0]).toBe(2n ** 62n);
    const s = back.value.columns[2] as ReturnType<typeof textColumn>;
    expect([0, 1, 2].map((i) => cellValue(s, i))).toEqual(['a', 'ü', null]);
  });

  it('carries a million doubles in about 8 MB, not as JSON text', () => {
    const values = new Float64Array(1_000_000).map((_, i) => i * 0.1);
    const frame = encodeFrame({ values });
    expect(frame.byteLength).toBeLessThan(8_000_000 + 200);
    expect(decodeFrame<{ values: Float64Array }>(frame).values[999_999]).toBeCloseTo(99_999.9);
  });

  it('refuses bytes that are not a frame', () => {
    expect(() => decodeFrame(new TextEncoder().encode('{"ok":true}'))).toThrow(/not a Redzone frame/);
  });
});

describe('encodeFrame with uninitialised memory', () => {
  it('writes every byte, padding included, so stale memory never leaves the process', () => {
    const value = { name: 'x', a: new Float64Array([1.5, 2]), b: new Int8Array([1, 2, 3]), c: new Uint8Array([9]) };
    const dirty = encodeFrame(value, (n) => new Uint8Array(n).fill(0xaa));
    expect(dirty).toEqual(encodeFrame(value));
    expect(decodeFrame(dirty)).toEqual(value);
  });
});
