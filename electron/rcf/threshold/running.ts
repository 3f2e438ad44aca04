/** The numbers a RunningStats carries: decayed weight, mean and variance. */
export interface RunningStatsState {
  weight: number;
  mean: number;
  variance: number;
}

/**
 * Exponentially weighted mean and variance: each new value weighs 1 and older ones fade by (1 − decay)
 * per value, so the stats follow a drifting series. Early on (weight below 1/decay) they are the plain
 * mean and variance of what was seen.
 */
export class RunningStats {
  weight = 0;
  mean = 0;
  variance = 0;

  constructor(
    readonly decay: number,
    saved?: RunningStatsState,
  ) {
    if (saved) ({ weight: this.weight, mean: this.mean, variance: this.variance } = saved);
  }

  get state(): RunningStatsState {
    return { weight: this.weight, mean: this.mean, variance: this.variance };
  }

  get deviation(): number {
    return Math.sqrt(this.variance);
  }

  add(x: number): void {
    this.weight = this.weight * (1 - this.decay) + 1;
    const delta = x - this.mean;
    this.mean += delta / this.weight;
    this.variance = (1 - 1 / this.weight) * (this.variance + (delta * delta) / this.weight);
  }
}
