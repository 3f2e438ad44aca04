import { describe, expect, it } from 'vitest';
import { dedupeRows, RowMemo } from '../../../electron/rcf/index.ts';

describe('RowMemo: distinct rows remembered across chunks', () => {
  it('gives a row the same id in every chunk, new rows the next ids, as one dedupe of all chunks would', () => {
    const rows = Float64Array.from({ length: 2 * 5000 }, (_, i) => Math.floor(((i * 7919) % 97) / 3) - (i % 2 ? 0 : -0));
    const memo = new RowMemo(2, 4);
    const ids = new Int32Array(5000);
    for (let from = 0; from < 5000; from += 777) {
      const to = Math.min(5000, from + 777);
      memo.add(rows.subarray(2 * from, 2 * to), ids.subarray(from, to));
    }
    const whole = dedupeRows(rows, 2);
    expect(memo.count).toBe(whole.count);
    expect(Array.from(ids)).toEqual(Array.from(whole.rowToUnique));
    expect(Array.from(memo.rows(0, memo.count))).toEqual(Array.from(whole.unique));
    // -0 and 0 are one point.
    const signed = new RowMemo(1);
    const out = new Int32Array(2);
    signed.add(Float64Array.of(0, -0), out);
    expect([signed.count, out[0], out[1]]).toEqual([1, 0, 0]);
  });

  it('agrees with a plain Map of row keys in every width, through many table growths', () => {
    let x = 99;
    const next = () => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (const dims of [1, 2, 3, 4, 7]) {
      const n = 60_000;
      // Integers from a small range (many repeats) mixed with floats (mostly new), and signed zeros.
      const rows = Float64Array.from({ length: n * dims }, () => (next() < 0.7 ? Math.floor(next() * 40) : next() < 0.1 ? -0 : next() * 1e6));
      const memo = new RowMemo(dims, 2);
      const ids = new Int32Array(n);
      for (let from = 0; from < n; from += 4096)
        memo.add(rows.subarray(from * dims, Math.min(n, from + 4096) * dims), ids.subarray(from, Math.min(n, from + 4096)));
      const seen = new Map<string, number>();
      const want = Array.from({ length: n }, (_, i) => {
        const key = Array.from(rows.subarray(i * dims, (i + 1) * dims), (v) => v + 0).join(',');
        if (!seen.has(key)) seen.set(key, seen.size);
        return seen.get(key)!;
      });
      expect(memo.count).toBe(seen.size);
      expect(Array.from(ids)).toEqual(want);
      expect(Array.from(memo.rows(0, memo.count)).join(',')).toBe([...seen.keys()].join(','));
    }
  });
});
