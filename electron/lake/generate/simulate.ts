/**
 * The lab's game world, simulated one event at a time in event-time order, in memory proportional to
 * the number of players (never to the number of rows).
 *
 * Honest players walk in small steps (direction persistence, drawn to hot spots), play in sessions
 * with a daily rhythm and level up over time, and never set foot in the red zone. About 1% of players
 * are abnormal: red-zone walkers, teleporters and speed hackers, who misbehave in episodes and play
 * normally the rest of the time.
 */
import { Rng } from '../../rcf/random.ts';
import { HOT_ZONE, inZone, RED_ZONE } from '../streams.ts';

export type Behaviour = 'redzone' | 'teleport' | 'speedhack';
export const BEHAVIOURS: readonly Behaviour[] = ['redzone', 'teleport', 'speedhack'];
export const CLASSES = ['warrior', 'mage', 'healer'] as const;

export const MAP = { width: 1500, height: 1000 } as const;
/** Where players like to go; the first is the lab's hot zone (x 300–500, y 400–700). */
const HOT_SPOTS: readonly [number, number, number][] = [
  [(HOT_ZONE.x0 + HOT_ZONE.x1) / 2, (HOT_ZONE.y0 + HOT_ZONE.y1) / 2, 4],
  [750, 250, 2],
  [1350, 700, 2],
  [200, 150, 1],
  [900, 850, 1],
  [1320, 300, 1], // beside the red zone: honest players brush its border
];
const HOT_WEIGHT = HOT_SPOTS.reduce((s, h) => s + h[2], 0);

export const FIRST_IDX = 30_000_000;
const MICROS_PER_HOUR = 3_600_000_000;

export interface SimOptions {
  players: number;
  rows: number;
  days: number;
  seed: number;
  /** Event time of the first hour, UTC. */
  start: Date;
}

export interface PlayEvent {
  posnewx: number;
  posnewy: number;
  posoldx: number;
  posoldy: number;
  pidx: number;
  idx: number;
  action: number;
  /** Event time, microseconds since the epoch. */
  micros: number;
}

export interface ProfileEvent {
  pidx: number;
  uclass: string;
  ulevel: number;
  micros: number;
}

const Kind = { Honest: 0, RedZone: 1, Teleport: 2, SpeedHack: 3 } as const;

/** Steps of a normal move, in map units. */
const STEP_MIN = 1;
const STEP_SPAN = 5;
const STAY_ONLINE = 0.6;

export class Simulation {
  readonly hours: number;
  readonly labels: { pidx: number; behaviour: Behaviour }[] = [];
  private rng: Rng;
  private n: number;
  private x: Float64Array;
  private y: Float64Array;
  private heading: Float64Array;
  private spot: Uint8Array;
  private level: Uint8Array;
  private cls: Uint8Array;
  private kind: Uint8Array;
  private online: Uint8Array;
  private episode: Int32Array; // events left in the current abnormal episode (0 = playing normally)
  private phase: Uint8Array; // red-zone walker: 0 approach, 1 inside, 2 leave
  private episodes: Uint16Array; // abnormal episodes started so far
  private tx: Float64Array; // red-zone walker's goal inside the zone
  private ty: Float64Array;
  private onlineList: Int32Array;
  private onlineCount = 0;
  private hourRows: Float64Array;
  private hour = -1;
  private k = 0;
  private idx = FIRST_IDX;
  private levelUpP: number;
  private startMicros: number;
  /** Level-ups not yet taken by the caller (at most one per event). */
  private pendingProfile: ProfileEvent | null = null;

  constructor(private o: SimOptions) {
    this.rng = new Rng(o.seed, 0);
    this.n = o.players;
    this.hours = Math.max(1, Math.round(o.days * 24));
    this.startMicros = o.start.getTime() * 1000;
    const n = o.players;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.heading = new Float64Array(n);
    this.spot = new Uint8Array(n);
    this.level = new Uint8Array(n);
    this.cls = new Uint8Array(n);
    this.kind = new Uint8Array(n);
    this.online = new Uint8Array(n);
    this.episode = new Int32Array(n);
    this.phase = new Uint8Array(n);
    this.episodes = new Uint16Array(n);
    this.tx = new Float64Array(n);
    this.ty = new Float64Array(n);
    this.onlineList = new Int32Array(n);
    this.hourRows = this.spreadRows();
    // Levels rise by ~25 over the period for an average player.
    this.levelUpP = Math.min(0.5, (25 * n) / Math.max(1, o.rows));
    this.createPlayers();
  }

  /** Each hour's share of the rows follows a daily rhythm (quiet at dawn, busy in the evening). */
  private spreadRows(): Float64Array {
    const w = new Float64Array(this.hours);
    let sum = 0;
    for (let h = 0; h < this.hours; h++) sum += w[h] = dailyRhythm((new Date(this.o.start.getTime() + h * 3_600_000).getUTCHours()));
    const rows = new Float64Array(this.hours);
    let given = 0;
    let acc = 0;
    for (let h = 0; h < this.hours; h++) {
      acc += (w[h] / sum) * this.o.rows;
      const upTo = h === this.hours - 1 ? this.o.rows : Math.round(acc);
      rows[h] = upTo - given;
      given = upTo;
    }
    return rows;
  }

  private createPlayers() {
    const { rng, n } = this;
    for (let i = 0; i < n; i++) {
      this.cls[i] = pickClass(rng.next());
      this.level[i] = 1 + rng.int(60);
      this.spot[i] = pickSpot(rng.next());
      this.heading[i] = rng.next() * 2 * Math.PI;
      do {
        this.x[i] = Math.round(rng.next() * MAP.width);
        this.y[i] = Math.round(rng.next() * MAP.height);
      } while (inZone(RED_ZONE, this.x[i], this.y[i]));
    }
    // ~1% abnormal, at least one of each behaviour, spread over the pidx range.
    const abnormal = Math.min(n, Math.max(BEHAVIOURS.length, Math.round(n * 0.01)));
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < abnormal; i++) {
      const j = i + rng.int(n - i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const chosen = order.slice(0, abnormal).sort((a, b) => a - b);
    chosen.forEach((p, i) => {
      const behaviour = BEHAVIOURS[i % BEHAVIOURS.length];
      this.kind[p] = behaviour === 'redzone' ? Kind.RedZone : behaviour === 'teleport' ? Kind.Teleport : Kind.SpeedHack;
      if (behaviour === 'redzone') {
        // Walkers live just north of the zone, so an episode reaches it within a few dozen steps.
        this.x[p] = RED_ZONE.x0 + 20 + rng.int(RED_ZONE.x1 - RED_ZONE.x0 - 40);
        this.y[p] = RED_ZONE.y1 + 20 + rng.int(100);
      }
      this.labels.push({ pidx: pidxOf(p), behaviour });
    });
  }

  /** Every player's profile at the start, as the first user-log records. */
  initialProfiles(): ProfileEvent[] {
    return Array.from({ length: this.n }, (_, i) => ({ pidx: pidxOf(i), uclass: CLASSES[this.cls[i]], ulevel: this.level[i], micros: this.startMicros + i }));
  }

  /** A level-up caused by the last event, if any. */
  takeProfile(): ProfileEvent | null {
    const p = this.pendingProfile;
    this.pendingProfile = null;
    return p;
  }

  /** Fills `e` with the next event in event-time order; false when all rows are out. */
  next(e: PlayEvent): boolean {
    while (this.hour < 0 || this.k >= this.hourRows[this.hour]) {
      if (this.hour + 1 >= this.hours) return false;
      this.hour++;
      this.k = 0;
      this.startSessions();
    }
    const { rng } = this;
    const rows = this.hourRows[this.hour];
    const p = this.onlineList[rng.int(this.onlineCount)];
    e.micros = this.startMicros + this.hour * MICROS_PER_HOUR + Math.floor(((this.k + rng.next()) / rows) * MICROS_PER_HOUR);
    this.k++;
    e.pidx = pidxOf(p);
    e.idx = this.idx++;
    e.posoldx = this.x[p];
    e.posoldy = this.y[p];
    e.action = this.move(p);
    e.posnewx = this.x[p];
    e.posnewy = this.y[p];
    if (this.level[p] < 100 && rng.next() < this.levelUpP) {
      this.level[p]++;
      this.pendingProfile = { pidx: e.pidx, uclass: CLASSES[this.cls[p]], ulevel: this.level[p], micros: e.micros };
    }
    return true;
  }

  /** Who plays this hour: sessions last a few hours, and more players log on in the evening. */
  private startSessions() {
    const { rng, n } = this;
    const hourOfDay = new Date(this.o.start.getTime() + this.hour * 3_600_000).getUTCHours();
    const target = 0.1 + 0.25 * dailyRhythm(hourOfDay);
    const join = (target * (1 - STAY_ONLINE)) / (1 - target);
    this.onlineCount = 0;
    for (let p = 0; p < n; p++) {
      const was = this.online[p] === 1;
      const now = was ? rng.next() < STAY_ONLINE : this.hour === 0 ? rng.next() < target : rng.next() < join;
      this.online[p] = now ? 1 : 0;
      if (now && !was) this.startSession(p);
      if (now) this.onlineList[this.onlineCount++] = p;
    }
    if (this.onlineCount === 0) {
      const p = rng.int(n);
      this.online[p] = 1;
      this.startSession(p);
      this.onlineList[this.onlineCount++] = p;
    }
  }

  /** Abnormal players misbehave in their first session and in about a fifth of the later ones. */
  private startSession(p: number) {
    if (this.kind[p] === Kind.Honest || this.episode[p] > 0) return;
    if (this.episodes[p] > 0 && this.rng.next() > 0.2) return;
    this.episodes[p] = Math.min(65535, this.episodes[p] + 1);
    const { rng } = this;
    switch (this.kind[p]) {
      case Kind.RedZone:
        this.episode[p] = 1_000_000; // ends when the walker has left the zone again
        this.phase[p] = 0;
        this.tx[p] = RED_ZONE.x0 + 30 + rng.int(RED_ZONE.x1 - RED_ZONE.x0 - 60);
        this.ty[p] = RED_ZONE.y0 + 60 + rng.int(RED_ZONE.y1 - RED_ZONE.y0 - 120);
        break;
      case Kind.Teleport:
        this.episode[p] = 100 + rng.int(200);
        this.phase[p] = 1; // the episode opens with a teleport
        break;
      case Kind.SpeedHack:
        this.episode[p] = 50 + rng.int(150);
        break;
    }
  }

  /** Moves player p by one event; returns the action (0 move, 1 attack, 2 skill). */
  private move(p: number): number {
    const { rng } = this;
    const roll = rng.next();
    const action = roll < 0.8 ? 0 : roll < 0.95 ? 1 : 2;
    const abnormal = this.episode[p] > 0;
    if (abnormal && this.kind[p] !== Kind.RedZone) this.episode[p]--;
    if (abnormal && this.kind[p] === Kind.RedZone) {
      this.walkRedZone(p);
      return 0;
    }
    if (abnormal && this.kind[p] === Kind.Teleport && (this.phase[p] === 1 || rng.next() < 0.04)) {
      this.phase[p] = 0;
      this.teleport(p);
      return 0;
    }
    if (action !== 0) return action; // attacks and skills happen in place
    const speed = abnormal && this.kind[p] === Kind.SpeedHack ? 8 + rng.next() * 7 : 1;
    this.steer(p, HOT_SPOTS[this.spot[p]][0], HOT_SPOTS[this.spot[p]][1]);
    this.step(p, (STEP_MIN + rng.next() * STEP_SPAN) * speed, true);
    const [sx, sy] = HOT_SPOTS[this.spot[p]];
    if (Math.hypot(this.x[p] - sx, this.y[p] - sy) < 40 && rng.next() < 0.05) this.spot[p] = pickSpot(rng.next());
    return 0;
  }

  /** Turns a little at random and a little towards (gx, gy): direction persistence with a goal. */
  private steer(p: number, gx: number, gy: number) {
    const want = Math.atan2(gy - this.y[p], gx - this.x[p]);
    let diff = want - this.heading[p];
    diff = Math.atan2(Math.sin(diff), Math.cos(diff));
    this.heading[p] += 0.15 * diff + (this.rng.next() - 0.5) * 0.6;
  }

  /** One step along the heading; honest steps bounce off the map edge and the red zone. */
  private step(p: number, length: number, avoidRedZone: boolean) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const nx = Math.round(this.x[p] + Math.cos(this.heading[p]) * length);
      const ny = Math.round(this.y[p] + Math.sin(this.heading[p]) * length);
      const outside = nx < 0 || ny < 0 || nx > MAP.width || ny > MAP.height;
      if (!outside && !(avoidRedZone && inZone(RED_ZONE, nx, ny))) {
        this.x[p] = nx;
        this.y[p] = ny;
        return;
      }
      this.heading[p] += Math.PI / 2 + this.rng.next() * Math.PI;
    }
    // Cornered: stay put this event rather than break a rule.
  }

  private teleport(p: number) {
    const { rng } = this;
    for (;;) {
      const nx = Math.round(rng.next() * MAP.width);
      const ny = Math.round(rng.next() * MAP.height);
      if (!inZone(RED_ZONE, nx, ny) && Math.hypot(nx - this.x[p], ny - this.y[p]) > 300) {
        this.x[p] = nx;
        this.y[p] = ny;
        return;
      }
    }
  }

  /** Walk in at a normal pace, wander inside for a while, walk out to a hot spot. */
  private walkRedZone(p: number) {
    const { rng } = this;
    const len = STEP_MIN + rng.next() * STEP_SPAN;
    if (this.phase[p] === 0) {
      this.steer(p, this.tx[p], this.ty[p]);
      this.heading[p] = Math.atan2(this.ty[p] - this.y[p], this.tx[p] - this.x[p]) + (rng.next() - 0.5) * 0.3;
      this.step(p, len, false);
      if (Math.hypot(this.x[p] - this.tx[p], this.y[p] - this.ty[p]) < 8) {
        this.phase[p] = 1;
        this.episode[p] = 10 + rng.int(20);
      }
    } else if (this.phase[p] === 1) {
      this.heading[p] += (rng.next() - 0.5) * 1.2;
      const nx = this.x[p] + Math.cos(this.heading[p]) * len;
      const ny = this.y[p] + Math.sin(this.heading[p]) * len;
      if (!inZone(RED_ZONE, nx, ny)) this.heading[p] += Math.PI;
      this.step(p, len, false);
      if (--this.episode[p] <= 0) {
        this.phase[p] = 2;
        this.episode[p] = 1_000_000;
      }
    } else {
      const [ex, ey] = nearestExit(this.x[p], this.y[p]);
      this.heading[p] = Math.atan2(ey - this.y[p], ex - this.x[p]) + (rng.next() - 0.5) * 0.3;
      this.step(p, len, false);
      if (!inZone(RED_ZONE, this.x[p], this.y[p])) {
        this.episode[p] = 0;
        this.phase[p] = 3; // back to normal play until the next episode
      }
    }
  }
}

/** The closest point just outside the red zone (its south side is the map's edge). */
function nearestExit(x: number, y: number): [number, number] {
  const exits: [number, number][] = [
    [RED_ZONE.x0 - 10, y],
    [RED_ZONE.x1 + 10, y],
    [x, RED_ZONE.y1 + 10],
  ];
  return exits.reduce((best, e) => (Math.hypot(e[0] - x, e[1] - y) < Math.hypot(best[0] - x, best[1] - y) ? e : best));
}

export function pidxOf(player: number): number {
  return player + 1;
}

function pickClass(u: number): number {
  return u < 0.45 ? 0 : u < 0.8 ? 1 : 2;
}

function pickSpot(u: number): number {
  let acc = 0;
  for (let i = 0; i < HOT_SPOTS.length; i++) {
    acc += HOT_SPOTS[i][2] / HOT_WEIGHT;
    if (u < acc) return i;
  }
  return HOT_SPOTS.length - 1;
}

/** Relative activity by hour of day (UTC): a trough at 05:00, a peak at 20:00. */
function dailyRhythm(hour: number): number {
  return 0.55 + 0.45 * Math.cos(((hour - 20) / 24) * 2 * Math.PI);
}
