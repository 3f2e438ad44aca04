import { describe, expect, it } from 'vitest';
import {
  RcfInputError,
  StreamingForest,
  deserializeForest,
  deserializeStreamingForest,
  serializeForest,
  serializeStreamingForest,
  trainForest,
  type StreamingParams,
} from '../../../electron/rcf/index.ts';
import { Rng } from '../../../electron/rcf/random.ts';

/** n rows of `dims` columns: a slow wave per column plus noise, with a level shift two thirds in. */
function rows(n: number, dims: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * dims }, (_, x) => {
    const t = (x / dims) | 0;
    return 3 * (x % dims) + Math.sin(t / 9) + 0.3 * rng.next() + (t > (2 * n) / 3 ? 2 : 0);
  });
}

const bytesOf = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Bit-identical, NaN and -0 included: compares the bytes. */
function expectSameBits(actual: Float64Array, expected: Float64Array, what: string) {
  expect(actual.length, what).toBe(expected.length);
  const a = bytesOf(actual);
  const e = bytesOf(expected);
  const first = a.findIndex((v, i) => v !== e[i]);
  expect(first, `${what}: first differing value at ${Math.floor(first / 8)}`).toBe(-1);
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const N = 700;
const CASES: { name: string; dims: number; params: StreamingParams }[] = [
  { name: '1-D, no shingle, default decay', dims: 1, params: { numTrees: 12, samplesPerTree: 32, seed: 1 } },
  { name: '1-D, shingle 6, decay 0.02', dims: 1, params: { numTrees: 10, samplesPerTree: 48, shingleSize: 6, timeDecay: 0.02, seed: 2 } },
  { name: '3-D, no shingle, no decay', dims: 3, params: { numTrees: 10, samplesPerTree: 32, timeDecay: 0, seed: 3 } },
  { name: '3-D, shingle 4, default decay', dims: 3, params: { numTrees: 8, samplesPerTree: 40, shingleSize: 4, outputAfter: 2, seed: 4 } },
];

describe('streaming forest serialisation', () => {
  for (const { name, dims, params } of CASES) {
    it(`${name}: stop, serialise, load, go on = one uninterrupted run (scores and attribution, bit for bit)`, () => {
      const data = rows(N, dims, 11);
      const straight = new StreamingForest(dims, params).processWithAttribution(data);
      // Before outputAfter, mid-shingle, once the samples are full and replacing, and at the very start.
      for (const k of [0, 3, 5, 150, 451]) {
        const first = new StreamingForest(dims, params);
        const head = first.processWithAttribution(data.subarray(0, k * dims));
        const bytes = serializeStreamingForest(first);
        const restored = deserializeStreamingForest(bytes);
        expect(restored.rowsSeen).toBe(k);
        expect(restored.dims).toBe(first.dims);
        const tail = restored.processWithAttribution(data.subarray(k * dims));
        expectSameBits(concat(head.scores, tail.scores), straight.scores, `scores split at ${k}`);
        expectSameBits(concat(head.attribution, tail.attribution), straight.attribution, `attribution split at ${k}`);
        // Serialising took nothing from the original: it goes on identically too.
        expectSameBits(first.processWithAttribution(data.subarray(k * dims)).scores, tail.scores, `original after ${k}`);
      }
    });

    it(`${name}: serialise → deserialise → serialise gives the same bytes`, () => {
      const f = new StreamingForest(dims, params);
      f.process(rows(N, dims, 12));
      const bytes = serializeStreamingForest(f);
      expect(Buffer.from(serializeStreamingForest(deserializeStreamingForest(bytes))).equals(Buffer.from(bytes))).toBe(true);
      const fresh = serializeStreamingForest(new StreamingForest(dims, params));
      expect(Buffer.from(serializeStreamingForest(deserializeStreamingForest(fresh))).equals(Buffer.from(fresh))).toBe(true);
    });
  }

  it('saves several stops in a row and a slice of the trees (tree sums as the whole forest slice)', () => {
    const params = { numTrees: 9, samplesPerTree: 32, shingleSize: 3, seed: 5 };
    const data = rows(600, 2, 13);
    const straight = new StreamingForest(2, params, { from: 2, to: 7 }).processSums(data);
    let f = new StreamingForest(2, params, { from: 2, to: 7 });
    const parts: Float64Array[] = [];
    for (const [a, b] of [
      [0, 100],
      [100, 101],
      [101, 400],
      [400, 600],
    ]) {
      parts.push(f.processSums(data.subarray(a * 2, b * 2)));
      f = deserializeStreamingForest(serializeStreamingForest(f));
    }
    expectSameBits(parts.reduce(concat), straight, 'sums over trees 2..7');
    expect(f.state.trees).toEqual({ from: 2, to: 7 });
  });

  it('reads a buffer at any offset of a larger one, or a Node Buffer (as a database blob hands it over)', () => {
    const params = { numTrees: 4, samplesPerTree: 16, seed: 6 };
    const data = rows(200, 1, 14);
    const f = new StreamingForest(1, params);
    f.process(data.subarray(0, 120));
    const bytes = serializeStreamingForest(f);
    const host = new Uint8Array(bytes.length + 3);
    host.set(bytes, 3);
    const g = deserializeStreamingForest(host.subarray(3));
    // A Node Buffer inside a larger pool (as zlib and file reads hand them over), whose slice is a view.
    const pooled = Buffer.concat([Buffer.from('xyz'), Buffer.from(bytes)]).subarray(3);
    const h = deserializeStreamingForest(pooled);
    const rest = data.subarray(120);
    const expected = f.process(rest);
    expectSameBits(g.process(rest), expected, 'scores after an unaligned load');
    expectSameBits(h.process(rest), expected, 'scores after a load from a Buffer');
  });

  it('refuses truncated, foreign, newer and corrupt buffers with an RcfInputError that says which', () => {
    const f = new StreamingForest(2, { numTrees: 3, samplesPerTree: 16, shingleSize: 2, seed: 7 });
    f.process(rows(100, 2, 15));
    const bytes = serializeStreamingForest(f);
    const refused = (b: Uint8Array, message: RegExp) => {
      expect(() => deserializeStreamingForest(b)).toThrow(RcfInputError);
      expect(() => deserializeStreamingForest(b)).toThrow(message);
    };
    refused(bytes.subarray(0, bytes.length - 8), /truncated or corrupt/);
    refused(bytes.subarray(0, 40), /shorter than its header: truncated/);
    refused(new Uint8Array(0), /too short/);
    refused(new TextEncoder().encode('{"not": "a forest", "padding": "................................................................"}'), /bad magic/);
    const batch = serializeForest(trainForest(rows(300, 2, 16), 2, { numTrees: 3, samplesPerTree: 16 }));
    refused(batch, /batch RCF model, not a streaming forest/);
    expect(() => deserializeForest(bytes)).toThrow(/streaming forest, not a batch RCF model/);
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(4, 2, true);
    refused(newer, /version 2 is not supported/);
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    refused(longer, /expected \d+: truncated or corrupt/);
    const badTrees = bytes.slice();
    new DataView(badTrees.buffer).setUint32(28, 9, true); // end tree past numTrees
    refused(badTrees, /trees 0\.\.9 of 3/);
    const badRoot = bytes.slice();
    const ring = 2 * 2 * 8;
    new DataView(badRoot.buffer).setInt32(80 + ring, 1_000_000, true); // the first tree's root
    refused(badRoot, /root/);
    const badShingle = bytes.slice();
    new DataView(badShingle.buffer).setUint32(32, 5, true); // next slot past the shingle
    refused(badShingle, /shingle state/);
  });
});
