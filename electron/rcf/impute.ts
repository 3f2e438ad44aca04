import type { NodeArrays } from './nodes.ts';

/**
 * The leaf of a tree nearest to p (L1 over the dimensions not `missing`), as AWS's ImputeVisitor searches:
 * at a cut on a missing dimension both children are possible, elsewhere p's side comes first and the other
 * is visited only when its box could hold a nearer leaf. Returns -1 for an empty tree.
 */
export function nearestLeaf(nodes: NodeArrays, root: number, p: Float64Array, missing: Uint8Array): number {
  if (root < 0) return -1;
  const { dims, left, right, cutDim, cutValue, box } = nodes;
  const stride = 2 * dims;
  let best = -1;
  let bestDist = Infinity;
  const stack: number[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (boxDistance(box, node * stride, p, missing, dims) >= bestDist) continue;
    const d = cutDim[node];
    if (d < 0) {
      best = node;
      bestDist = boxDistance(box, node * stride, p, missing, dims);
      continue;
    }
    const near = missing[d] || p[d] <= cutValue[node] ? left[node] : right[node];
    const far = near === left[node] ? right[node] : left[node];
    stack.push(far, near); // near is popped first
  }
  return best;
}

/** L1 distance from p to a box over the present dimensions (0 inside it): a lower bound for its leaves. */
function boxDistance(box: Float64Array, b: number, p: Float64Array, missing: Uint8Array, dims: number): number {
  let s = 0;
  for (let j = 0; j < dims; j++) {
    if (missing[j]) continue;
    const v = p[j];
    const lo = box[b + 2 * j];
    const hi = box[b + 2 * j + 1];
    if (v < lo) s += lo - v;
    else if (v > hi) s += v - hi;
  }
  return s;
}
