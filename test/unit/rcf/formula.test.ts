import { describe, expect, it } from 'vitest';
import { allocNodes, setLeaf } from '../../../electron/rcf/nodes.ts';
import { attributeTree, makeScratch, scoreTree } from '../../../electron/rcf/score.ts';
import { buildForest, scorePoints } from '../../../electron/rcf/forest.ts';

/**
 * A hand-made 2-D tree of the sample {(0,0), (10,0), (10,10)} (M = 3):
 *   0: root, box [0,10]×[0,10], cut x ≤ 5
 *   1: leaf (0,0)
 *   2: box [10,10]×[0,10], cut y ≤ 5
 *   3: leaf (10,0)
 *   4: leaf (10,10)
 */
function handTree() {
  const n = allocNodes(5, 2);
  const internal = (id: number, dim: number, value: number, left: number, right: number, box: number[], mass: number) => {
    n.cutDim[id] = dim;
    n.cutValue[id] = value;
    n.left[id] = left;
    n.right[id] = right;
    n.parent[left] = id;
    n.parent[right] = id;
    n.box.set(box, id * 4);
    n.rangeSum[id] = box[1] - box[0] + box[3] - box[2];
    n.mass[id] = mass;
  };
  n.parent[0] = -1;
  internal(0, 0, 5, 1, 2, [0, 10, 0, 10], 3);
  setLeaf(n, 1, [0, 0], 0, 1);
  internal(2, 1, 5, 3, 4, [10, 10, 0, 10], 2);
  setLeaf(n, 3, [10, 0], 0, 1);
  setLeaf(n, 4, [10, 10], 0, 1);
  return n;
}

function scoreOne(q: number[]): number {
  const out = new Float64Array(1);
  scoreTree(handTree(), 0, Float64Array.from(q), 0, 1, out, makeScratch(3, 2));
  return out[0];
}

const norm = Math.log2(4); // log2(M + 1), M = 3

describe('score formula on a hand-computed tree', () => {
  it('a point of the sample: (1 − m/2M) / (d + log2(m+1)), nothing added on the way up', () => {
    expect(scoreOne([10, 10])).toBeCloseTo(((1 - 1 / 6) / (2 + 1)) * norm, 12);
    expect(scoreOne([0, 0])).toBeCloseTo(((1 - 1 / 6) / (1 + 1)) * norm, 12);
  });

  it('an unseen point walks up until it is inside a box', () => {
    // (10, 20): leaf (10,10) at depth 2 → 1/3; node 2 grows by 10 on a range of 10 → p = 10/20;
    // the root grows by 10 on a range of 20 → p = 10/30.
    let s = 1 / 3;
    s = (10 / 20) * (1 / 2) + (1 - 10 / 20) * s;
    s = (10 / 30) * 1 + (1 - 10 / 30) * s;
    expect(scoreOne([10, 20])).toBeCloseTo(s * norm, 12);
  });

  it('stops at the first box that holds the point', () => {
    // (3, 4): leaf (0,0) at depth 1 → 1/2; the root's box holds it, so that is the score.
    expect(scoreOne([3, 4])).toBeCloseTo((1 / 2) * norm, 12);
  });

  it('attribution splits each step by dimension and direction and sums to the score', () => {
    const q = Float64Array.from([12, 20]);
    const out = new Float64Array(4);
    attributeTree(handTree(), 0, q, 0, 1, out, makeScratch(3, 2));
    // leaf (10,10): grows x by 2 (high), y by 10 (high); s = 1/3 split 2:10.
    let xh = (2 / 12) * (1 / 3);
    let yh = (10 / 12) * (1 / 3);
    // node 2, box [10,10]×[0,10], depth 1: growth x 2, y 10, range 10 → denominator 22.
    xh = (2 / 22) * (1 / 2) + (10 / 22) * xh;
    yh = (10 / 22) * (1 / 2) + (10 / 22) * yh;
    // root, box [0,10]², depth 0: growth 12, range 20 → denominator 32.
    xh = (2 / 32) * 1 + (20 / 32) * xh;
    yh = (10 / 32) * 1 + (20 / 32) * yh;
    expect(out[0]).toBeCloseTo(xh * norm, 12);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(yh * norm, 12);
    expect(out[3]).toBe(0);
    expect(out[0] + out[2]).toBeCloseTo(scoreOne([12, 20]), 12);
  });
});

describe('score formula through a built forest', () => {
  it('1-D sample {0, 10}: every tree is a root over two leaves whatever the cut', () => {
    const forest = buildForest(Float64Array.from([0, 10, 10, 0]), 1, { numTrees: 2, samplesPerTree: 2 });
    const scores = scorePoints(forest, Float64Array.from([0, -5, 20]));
    const norm2 = Math.log2(3);
    expect(scores[0]).toBeCloseTo(((1 - 1 / 4) / 2) * norm2, 12); // in the sample, depth 1
    expect(scores[1]).toBeCloseTo(((5 / 15) * 1 + (10 / 15) * (1 / 2)) * norm2, 12); // 5 below a range of 10
    expect(scores[2]).toBeCloseTo(((10 / 20) * 1 + (10 / 20) * (1 / 2)) * norm2, 12); // 10 above
  });

  it('duplicates raise a leaf mass: sample {0, 0, 10}', () => {
    const forest = buildForest(Float64Array.from([0, 0, 10]), 1, { numTrees: 1, samplesPerTree: 3 });
    const [s] = scorePoints(forest, Float64Array.from([0]));
    expect(s).toBeCloseTo(((1 - 2 / 6) / (1 + Math.log2(3))) * Math.log2(4), 12);
  });
});
