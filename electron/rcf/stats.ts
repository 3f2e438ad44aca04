/** Summary statistics and alert cut-offs over scores. */

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
}

/** Population standard deviation (the spread of the scores at hand, not an estimate). */
export function sd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return xs.length ? Math.sqrt(s / xs.length) : NaN;
}

/** How an analyst draws the line between normal and suspicious scores. */
export type CutoffRule = { kind: 'sigma'; k: number } | { kind: 'topN'; n: number } | { kind: 'fixed'; score: number };

/**
 * The score at or above which a row is flagged. topN returns the N-th highest score (ties at it are flagged
 * too); with N ≥ the row count every row is flagged.
 */
export function cutoff(scores: ArrayLike<number>, rule: CutoffRule): number {
  switch (rule.kind) {
    case 'sigma':
      return mean(scores) + rule.k * sd(scores);
    case 'fixed':
      return rule.score;
    case 'topN': {
      if (rule.n < 1) return Infinity;
      if (rule.n >= scores.length) return -Infinity;
      const sorted = Float64Array.from(scores).sort();
      return sorted[sorted.length - rule.n];
    }
  }
}

/** Ranks from 1, ties given their average rank (as Spearman's rho needs). */
export function ranks(xs: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: xs.length }, (_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Float64Array(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Spearman's rank correlation. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b));
}
