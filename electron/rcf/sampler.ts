import type { Rng } from './random.ts';

/**
 * AWS's initialAcceptFraction: while a sample is under this fraction full every point is taken, then
 * the chance falls linearly to 0 at full. Trees fill at different paces, so they differ early on.
 */
const INITIAL_ACCEPT_FRACTION = 0.125;

/** A sampler's arrays between offers: the max-heap of weights and the slot each weight belongs to. */
export interface SamplerState {
  weights: Float64Array;
  slots: Int32Array;
  size: number;
}

/**
 * A time-decayed weighted reservoir (AWS CompactSampler): a point offered at time t gets weight
 * log(−log u) − λt and the sample keeps the `capacity` smallest weights (a max-heap evicts the largest), so
 * recent points are favoured by exp(λ·age). It deals in slots, not points: the caller keeps each slot's point.
 */
export class ReservoirSampler {
  private weights: Float64Array;
  private slots: Int32Array;
  private size = 0;
  /** Whether the slot the last accepted offer returned held a point (now evicted, for the caller to drop). */
  evicted = false;

  /** An empty sampler, or with `saved` one that goes on from a saved state (taking over its arrays). */
  constructor(
    private capacity: number,
    private decay: number,
    private rng: Rng,
    saved?: SamplerState,
  ) {
    if (saved) {
      this.weights = saved.weights;
      this.slots = saved.slots;
      this.size = saved.size;
      return;
    }
    this.weights = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  get state(): SamplerState {
    const { weights, slots, size } = this;
    return { weights, slots, size };
  }

  /** Offers the point seen at time t: the slot it takes in the sample, or -1 if it is turned down. */
  offer(t: number): number {
    let u = this.rng.next();
    while (u === 0) u = this.rng.next();
    const weight = Math.log(-Math.log(u)) - this.decay * t;
    const filling = this.size < this.capacity && this.rng.next() < this.initialAcceptProbability();
    if (filling) {
      const slot = this.size;
      this.heapPush(weight, slot);
      this.evicted = false;
      return slot;
    }
    if (this.size > 0 && weight < this.weights[0]) {
      const slot = this.slots[0];
      this.heapReplaceTop(weight, slot);
      this.evicted = true;
      return slot;
    }
    return -1;
  }

  private initialAcceptProbability(): number {
    const fill = this.size / this.capacity;
    if (fill < INITIAL_ACCEPT_FRACTION) return 1;
    return 1 - (fill - INITIAL_ACCEPT_FRACTION) / (1 - INITIAL_ACCEPT_FRACTION);
  }

  private heapPush(weight: number, slot: number): void {
    let i = this.size++;
    const { weights, slots } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (weights[parent] >= weight) break;
      weights[i] = weights[parent];
      slots[i] = slots[parent];
      i = parent;
    }
    weights[i] = weight;
    slots[i] = slot;
  }

  private heapReplaceTop(weight: number, slot: number): void {
    const { weights, slots, size } = this;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const c = l + 1 < size && weights[l + 1] > weights[l] ? l + 1 : l;
      if (weights[c] <= weight) break;
      weights[i] = weights[c];
      slots[i] = slots[c];
      i = c;
    }
    weights[i] = weight;
    slots[i] = slot;
  }
}
