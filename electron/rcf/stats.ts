/** Summary statistics over scores. */

/** Scores as arrays or typed arrays. */
export type Series = ArrayLike<number> & Iterable<number>;

/** Count, mean and population standard deviation of a series' finite values (the spread of the scores at hand, not an estimate). */
export interface Moments {
  count: number;
  mean: number;
  sd: number;
}

/**
 * Moments in one pass (Welford's update, stable where sum-of-squares cancels); values that are not
 * finite (a window without a score) are skipped, and an empty series has mean and sd 0.
 */
export function moments(xs: Iterable<number>): Moments {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of xs) {
    if (!Number.isFinite(x)) continue;
    count++;
    const d = x - mean;
    mean += d / count;
    m2 += d * (x - mean);
  }
  return { count, mean: count ? mean : 0, sd: count ? Math.sqrt(m2 / count) : 0 };
}

/** The mean of the finite values; NaN when there are none. */
export function mean(xs: Iterable<number>): number {
  const m = moments(xs);
  return m.count ? m.mean : NaN;
}

/** The population standard deviation of the finite values; NaN when there are none. */
export function sd(xs: Iterable<number>): number {
  const m = moments(xs);
  return m.count ? m.sd : NaN;
}

/** Ranks from 1, ties given their average rank (as Spearman's rho needs). */
export function ranks(xs: Series): Float64Array {
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

export function pearson(a: Series, b: Series): number {
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
export function spearman(a: Series, b: Series): number {
  return pearson(ranks(a), ranks(b));
}
