/**
 * A game world (worlds.ts), simulated one event at a time in event-time order, in memory proportional
 * to the number of players (never to the number of rows).
 *
 * Honest players walk in small steps (direction persistence, drawn to hot spots, or along the roads
 * between towns where the world has roads), play in sessions with a daily rhythm and level up over
 * time, and never set foot in the forbidden zone. About 1% of players are abnormal, one behaviour each:
 *  - redzone: walks into the forbidden zone (they live beside it, so every episode reaches it);
 *  - teleport: jumps across the map;
 *  - speedhack: moves 5–15× too fast along the honest paths (roads, hot spots);
 *  - noclip: walks in dead straight lines across open country at a normal pace, through the terrain
 *    (their z stays level while the ground rises and falls);
 *  - bot: farms a tight loop of a few waypoints, with machine-regular timing, in very long sessions.
 * The first four misbehave in episodes (the first session and about a fifth of later ones) and play
 * normally the rest of the time; a bot is a bot whenever it is online. A label is written only for a
 * player whose behaviour actually shows in its rows.
 */
import { Rng } from '../../rcf/index.ts';
import { inZone } from '../logs.ts';
import { neighbours, worldOf, type Rect, type World, type WorldName } from './worlds.ts';

export type Behaviour = 'redzone' | 'teleport' | 'speedhack' | 'noclip' | 'bot';
export const BEHAVIOURS: readonly Behaviour[] = ['redzone', 'teleport', 'speedhack', 'noclip', 'bot'];
export const CLASSES = ['warrior', 'mage', 'healer'] as const;

export const FIRST_IDX = 30_000_000;
const MICROS_PER_HOUR = 3_600_000_000;

export interface SimOptions {
  players: number;
  rows: number;
  days: number;
  seed: number;
  /** Event time of the first hour, UTC. */
  start: Date;
  /** Default `lab`. */
  world?: WorldName;
}

export interface PlayEvent {
  posnewx: number;
  posnewy: number;
  posnewz: number;
  posoldx: number;
  posoldy: number;
  posoldz: number;
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

const Kind = { Honest: 0, RedZone: 1, Teleport: 2, SpeedHack: 3, Noclip: 4, Bot: 5 } as const;
const KIND_OF: Record<Behaviour, number> = { redzone: Kind.RedZone, teleport: Kind.Teleport, speedhack: Kind.SpeedHack, noclip: Kind.Noclip, bot: Kind.Bot };

/** Steps of a normal move, in units of the world's scale. */
const STEP_MIN = 1;
const STEP_SPAN = 5;
const STAY_ONLINE = 0.6;
const BOT_STAY_ONLINE = 0.97;
const BOT_WAYPOINTS = 6;
/** Events of a behaviour before it counts as shown (and the player is labelled). */
const SHOWN_AFTER: Record<number, number> = { [Kind.RedZone]: 1, [Kind.Teleport]: 1, [Kind.SpeedHack]: 10, [Kind.Noclip]: 20, [Kind.Bot]: 50 };

export class Simulation {
  readonly hours: number;
  readonly world: World;
  private rng: Rng;
  private n: number;
  private x: Float64Array;
  private y: Float64Array;
  private z: Float64Array;
  private heading: Float64Array;
  private spot: Uint8Array;
  private linger: Int32Array; // road worlds: events left milling about the current town
  private level: Uint8Array;
  private cls: Uint8Array;
  private kind: Uint8Array;
  private online: Uint8Array;
  private episode: Int32Array; // events left in the current abnormal episode (0 = playing normally)
  private phase: Uint8Array; // red-zone walker: 0 approach, 1 inside, 2 leave; bot: next waypoint
  private episodes: Uint16Array; // abnormal episodes started so far
  private shown: Int32Array; // abnormal events so far (see SHOWN_AFTER)
  private tx: Float64Array; // red-zone walker's goal inside the zone; noclip's goal; bot's loop centre
  private ty: Float64Array;
  private onlineList: Int32Array;
  private onlineCount = 0;
  private hourRows: Float64Array;
  private hour = -1;
  private k = 0;
  private idx = FIRST_IDX;
  private levelUpP: number;
  private startMicros: number;
  private lastMicros = -Infinity;
  private abnormal: { p: number; behaviour: Behaviour }[] = [];
  /** Bots (player indexes), their next event time and the soonest of them. */
  private bots: number[] = [];
  private botDue: Float64Array = new Float64Array(0);
  private botGap: Float64Array = new Float64Array(0);
  private soonestBot = -1;
  /** Level-ups not yet taken by the caller (at most one per event). */
  private pendingProfile: ProfileEvent | null = null;

  constructor(private o: SimOptions) {
    this.world = worldOf(o.world ?? 'lab');
    this.rng = new Rng(o.seed, 0);
    this.n = o.players;
    this.hours = Math.max(1, Math.round(o.days * 24));
    this.startMicros = o.start.getTime() * 1000;
    const n = o.players;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.z = new Float64Array(n);
    this.heading = new Float64Array(n);
    this.spot = new Uint8Array(n);
    this.linger = new Int32Array(n);
    this.level = new Uint8Array(n);
    this.cls = new Uint8Array(n);
    this.kind = new Uint8Array(n);
    this.online = new Uint8Array(n);
    this.episode = new Int32Array(n);
    this.phase = new Uint8Array(n);
    this.episodes = new Uint16Array(n);
    this.shown = new Int32Array(n);
    this.tx = new Float64Array(n);
    this.ty = new Float64Array(n);
    this.onlineList = new Int32Array(n);
    this.hourRows = this.spreadRows();
    // Levels rise by ~25 over the period for an average player.
    this.levelUpP = Math.min(0.5, (25 * n) / Math.max(1, o.rows));
    this.createPlayers();
  }

  /** The abnormal players whose behaviour showed in the rows so far (all of them, once generation is done). */
  get labels(): { pidx: number; behaviour: Behaviour }[] {
    return this.abnormal.filter((a) => this.shown[a.p] >= SHOWN_AFTER[KIND_OF[a.behaviour]]).map((a) => ({ pidx: pidxOf(a.p), behaviour: a.behaviour }));
  }

  /** Every abnormal player chosen, shown or not. */
  get planned(): { pidx: number; behaviour: Behaviour }[] {
    return this.abnormal.map((a) => ({ pidx: pidxOf(a.p), behaviour: a.behaviour }));
  }

  /** Each hour's share of the rows follows a daily rhythm (quiet at dawn, busy in the evening). */
  private spreadRows(): Float64Array {
    const w = new Float64Array(this.hours);
    let sum = 0;
    for (let h = 0; h < this.hours; h++) sum += w[h] = dailyRhythm(new Date(this.o.start.getTime() + h * 3_600_000).getUTCHours());
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
    const { rng, n, world } = this;
    for (let i = 0; i < n; i++) {
      this.cls[i] = pickClass(rng.next());
      this.level[i] = 1 + rng.int(60);
      this.spot[i] = pickSpot(world, rng.next());
      this.heading[i] = rng.next() * 2 * Math.PI;
      if (world.roads) {
        // Road worlds: everyone starts in or near a town.
        const [sx, sy] = world.spots[this.spot[i]];
        this.place(i, sx + (rng.next() - 0.5) * 60 * world.scale, sy + (rng.next() - 0.5) * 60 * world.scale);
      } else {
        do this.place(i, rng.next() * world.width, rng.next() * world.height);
        while (inZone(world.zone, this.x[i], this.y[i]));
      }
    }
    // ~1% abnormal, at least one of each behaviour, spread over the pidx range.
    const count = Math.min(n, Math.max(BEHAVIOURS.length, Math.round(n * 0.01)));
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + rng.int(n - i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const chosen = order.slice(0, count).sort((a, b) => a - b);
    const s = world.scale;
    chosen.forEach((p, i) => {
      const behaviour = BEHAVIOURS[i % BEHAVIOURS.length];
      this.kind[p] = KIND_OF[behaviour];
      const z = world.zone;
      if (behaviour === 'redzone') {
        // Walkers live just beside the zone, so an episode reaches it within a few dozen steps.
        this.place(p, z.x0 + 20 * s + rng.next() * (z.x1 - z.x0 - 40 * s), Math.min(world.height, z.y1 + 20 * s + rng.next() * 100 * s));
      }
      if (behaviour === 'bot') {
        // A farming spot of its own, away from the zone: a loop of a few waypoints a step apart.
        do {
          this.tx[p] = world.width * (0.1 + 0.8 * rng.next());
          this.ty[p] = world.height * (0.1 + 0.8 * rng.next());
        } while (Math.hypot(this.tx[p] - (z.x0 + z.x1) / 2, this.ty[p] - (z.y0 + z.y1) / 2) < Math.max(z.x1 - z.x0, z.y1 - z.y0));
        this.place(p, this.tx[p], this.ty[p]);
      }
      this.abnormal.push({ p, behaviour });
    });
    this.bots = chosen.filter((p) => this.kind[p] === Kind.Bot);
    this.botDue = new Float64Array(this.bots.length).fill(Infinity);
    // A bot logs an event a little more often than an average online player, like clockwork (±0.5%).
    const perPlayerHour = this.o.rows / this.hours / Math.max(1, 0.25 * n);
    const gap = Math.min(900, Math.max(0.5, (3600 / Math.max(1e-9, perPlayerHour)) * 0.7));
    this.botGap = Float64Array.from(this.bots, () => gap * (0.85 + 0.3 * rng.next()) * 1e6);
  }

  private place(p: number, x: number, y: number) {
    const { world } = this;
    this.x[p] = roundTo(Math.min(world.width, Math.max(0, x)), world.decimals);
    this.y[p] = roundTo(Math.min(world.height, Math.max(0, y)), world.decimals);
    this.z[p] = roundTo(world.terrain(this.x[p], this.y[p]), world.decimals);
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
    const slot = this.startMicros + this.hour * MICROS_PER_HOUR + Math.floor(((this.k + rng.next()) / rows) * MICROS_PER_HOUR);
    this.k++;
    let p: number;
    const b = this.soonestBot;
    if (b >= 0 && this.botDue[b] <= slot) {
      // A bot's turn: its own clock, not the slot's.
      p = this.bots[b];
      e.micros = Math.max(Math.floor(this.botDue[b]), this.lastMicros);
      this.botDue[b] += this.botGap[b] * (0.995 + 0.01 * rng.next());
      this.findSoonestBot();
    } else {
      p = this.someHuman();
      e.micros = Math.max(slot, this.lastMicros);
    }
    this.lastMicros = e.micros;
    e.pidx = pidxOf(p);
    e.idx = this.idx++;
    e.posoldx = this.x[p];
    e.posoldy = this.y[p];
    e.posoldz = this.z[p];
    e.action = this.move(p);
    e.posnewx = this.x[p];
    e.posnewy = this.y[p];
    e.posnewz = this.z[p];
    if (this.level[p] < 100 && rng.next() < this.levelUpP) {
      this.level[p]++;
      this.pendingProfile = { pidx: e.pidx, uclass: CLASSES[this.cls[p]], ulevel: this.level[p], micros: e.micros };
    }
    return true;
  }

  /** An online player who is not a bot (bots keep their own clock); any online player if all are bots. */
  private someHuman(): number {
    if (this.bots.length === 0) return this.onlineList[this.rng.int(this.onlineCount)];
    for (let tries = 0; tries < 16; tries++) {
      const p = this.onlineList[this.rng.int(this.onlineCount)];
      if (this.kind[p] !== Kind.Bot) return p;
    }
    return this.onlineList[this.rng.int(this.onlineCount)];
  }

  private findSoonestBot() {
    let best = -1;
    for (let i = 0; i < this.bots.length; i++) if (this.botDue[i] !== Infinity && (best < 0 || this.botDue[i] < this.botDue[best])) best = i;
    this.soonestBot = best;
  }

  /** Who plays this hour: sessions last a few hours (a bot's most of the day), more players log on in the evening. */
  private startSessions() {
    const { rng, n } = this;
    const hourOfDay = new Date(this.o.start.getTime() + this.hour * 3_600_000).getUTCHours();
    const target = 0.1 + 0.25 * dailyRhythm(hourOfDay);
    const join = (target * (1 - STAY_ONLINE)) / (1 - target);
    this.onlineCount = 0;
    for (let p = 0; p < n; p++) {
      const was = this.online[p] === 1;
      const bot = this.kind[p] === Kind.Bot;
      const now = was
        ? rng.next() < (bot ? BOT_STAY_ONLINE : STAY_ONLINE)
        : this.hour === 0
          ? rng.next() < (bot ? 0.8 : target)
          : rng.next() < (bot ? 0.5 : join);
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
    const hourStart = this.startMicros + this.hour * MICROS_PER_HOUR;
    this.bots.forEach((p, i) => {
      if (!this.online[p]) this.botDue[i] = Infinity;
      else if (this.botDue[i] === Infinity) this.botDue[i] = hourStart + rng.next() * this.botGap[i];
    });
    this.findSoonestBot();
  }

  /** Abnormal players misbehave in their first session and in about a fifth of the later ones. */
  private startSession(p: number) {
    if (this.kind[p] === Kind.Honest || this.kind[p] === Kind.Bot || this.episode[p] > 0) return;
    if (this.episodes[p] > 0 && this.rng.next() > 0.2) return;
    this.episodes[p] = Math.min(65535, this.episodes[p] + 1);
    const { rng, world } = this;
    const z = world.zone;
    const s = world.scale;
    switch (this.kind[p]) {
      case Kind.RedZone:
        this.episode[p] = 1_000_000; // ends when the walker has left the zone again
        this.phase[p] = 0;
        this.tx[p] = z.x0 + 30 * s + rng.next() * (z.x1 - z.x0 - 60 * s);
        this.ty[p] = z.y0 + 60 * s + rng.next() * (z.y1 - z.y0 - 120 * s);
        break;
      case Kind.Teleport:
        this.episode[p] = 100 + rng.int(200);
        this.phase[p] = 1; // the episode opens with a teleport
        break;
      case Kind.SpeedHack:
        this.episode[p] = 50 + rng.int(150);
        break;
      case Kind.Noclip:
        this.episode[p] = 300 + rng.int(300);
        this.phase[p] = 1; // pick a far goal first
        break;
    }
  }

  /** Moves player p by one event; returns the action (0 move, 1 attack, 2 skill). */
  private move(p: number): number {
    const { rng, world } = this;
    const kind = this.kind[p];
    if (kind === Kind.Bot) return this.farm(p);
    const roll = rng.next();
    const action = roll < 0.8 ? 0 : roll < 0.95 ? 1 : 2;
    const abnormal = this.episode[p] > 0;
    if (abnormal && kind !== Kind.RedZone) this.episode[p]--;
    if (abnormal && kind === Kind.RedZone) {
      this.walkRedZone(p);
      return 0;
    }
    if (abnormal && kind === Kind.Teleport && (this.phase[p] === 1 || rng.next() < 0.04)) {
      this.phase[p] = 0;
      this.teleport(p);
      this.shown[p]++;
      return 0;
    }
    if (abnormal && kind === Kind.Noclip) {
      this.walkStraight(p);
      return 0;
    }
    if (action !== 0) return action; // attacks and skills happen in place
    const fast = abnormal && kind === Kind.SpeedHack;
    const speed = fast ? (world.roads ? 5 + rng.next() * 5 : 8 + rng.next() * 7) : 1;
    if (fast) this.shown[p]++;
    const [gx, gy] = this.goal(p);
    this.steer(p, gx, gy);
    this.step(p, (STEP_MIN + rng.next() * STEP_SPAN) * world.scale * speed, true);
    this.arrive(p);
    return 0;
  }

  /** Where an honest move heads: the hot spot, or (road worlds) the next town along the road. */
  private goal(p: number): [number, number] {
    const [sx, sy] = this.world.spots[this.spot[p]];
    return [sx, sy];
  }

  /** At the goal: lab players switch hot spot now and then; road travellers linger in town, then take a road on. */
  private arrive(p: number) {
    const { world, rng } = this;
    const [sx, sy] = world.spots[this.spot[p]];
    const near = Math.hypot(this.x[p] - sx, this.y[p] - sy) < 40 * world.scale;
    if (!world.roads) {
      if (near && rng.next() < 0.05) this.spot[p] = pickSpot(world, rng.next());
      return;
    }
    if (!near) return;
    if (this.linger[p] === 0) this.linger[p] = 50 + rng.int(250);
    if (--this.linger[p] === 0) {
      const next = neighbours(world, this.spot[p]);
      this.spot[p] = next[rng.int(next.length)];
    }
  }

  /** Turns a little at random and a little towards (gx, gy): direction persistence with a goal (tighter on a road). */
  private steer(p: number, gx: number, gy: number) {
    const want = Math.atan2(gy - this.y[p], gx - this.x[p]);
    let diff = want - this.heading[p];
    diff = Math.atan2(Math.sin(diff), Math.cos(diff));
    const onRoad = this.world.roads !== null && this.linger[p] === 0;
    this.heading[p] += (onRoad ? 0.35 : 0.15) * diff + (this.rng.next() - 0.5) * (onRoad ? 0.25 : 0.6);
  }

  /** One step along the heading; honest steps bounce off the map edge and the forbidden zone. */
  private step(p: number, length: number, avoidZone: boolean) {
    const { world } = this;
    for (let attempt = 0; attempt < 4; attempt++) {
      const nx = roundTo(this.x[p] + Math.cos(this.heading[p]) * length, world.decimals);
      const ny = roundTo(this.y[p] + Math.sin(this.heading[p]) * length, world.decimals);
      const outside = nx < 0 || ny < 0 || nx > world.width || ny > world.height;
      if (!outside && !(avoidZone && inZone(world.zone, nx, ny))) {
        this.place(p, nx, ny);
        return;
      }
      this.heading[p] += Math.PI / 2 + this.rng.next() * Math.PI;
    }
    // Cornered: stay put this event rather than break a rule.
  }

  private teleport(p: number) {
    const { rng, world } = this;
    for (;;) {
      const nx = rng.next() * world.width;
      const ny = rng.next() * world.height;
      if (!inZone(world.zone, nx, ny) && Math.hypot(nx - this.x[p], ny - this.y[p]) > 300 * world.scale) {
        this.place(p, nx, ny);
        return;
      }
    }
  }

  /** Noclip: a dead straight line to a far goal at a normal pace, through hills (z stays level), never into the zone. */
  private walkStraight(p: number) {
    const { rng, world } = this;
    if (this.phase[p] === 1 || Math.hypot(this.tx[p] - this.x[p], this.ty[p] - this.y[p]) < 10 * world.scale) {
      this.phase[p] = 0;
      do {
        this.tx[p] = rng.next() * world.width;
        this.ty[p] = rng.next() * world.height;
      } while (
        Math.hypot(this.tx[p] - this.x[p], this.ty[p] - this.y[p]) < 200 * world.scale ||
        crosses(world.zone, this.x[p], this.y[p], this.tx[p], this.ty[p])
      );
      this.heading[p] = Math.atan2(this.ty[p] - this.y[p], this.tx[p] - this.x[p]);
    }
    const len = (STEP_MIN + rng.next() * STEP_SPAN) * world.scale;
    const z = this.z[p];
    const nx = this.x[p] + Math.cos(this.heading[p]) * len;
    const ny = this.y[p] + Math.sin(this.heading[p]) * len;
    if (nx < 0 || ny < 0 || nx > world.width || ny > world.height || inZone(world.zone, nx, ny)) {
      this.phase[p] = 1;
      return;
    }
    this.place(p, nx, ny);
    this.z[p] = z;
    this.shown[p]++;
  }

  /** Bot: the next waypoint of its loop, every event; an attack each time round, at the same waypoint. */
  private farm(p: number): number {
    const i = this.phase[p];
    this.phase[p] = (i + 1) % (BOT_WAYPOINTS + 1);
    this.shown[p]++;
    if (i === BOT_WAYPOINTS) return 1;
    const r = 3 * this.world.scale;
    const a = (2 * Math.PI * i) / BOT_WAYPOINTS;
    this.place(p, this.tx[p] + r * Math.cos(a), this.ty[p] + r * Math.sin(a));
    return 0;
  }

  /** Walk in at a normal pace, wander inside for a while, walk out to the nearest side. */
  private walkRedZone(p: number) {
    const { rng, world } = this;
    const zone = world.zone;
    const len = (STEP_MIN + rng.next() * STEP_SPAN) * world.scale;
    if (this.phase[p] === 0) {
      this.heading[p] = Math.atan2(this.ty[p] - this.y[p], this.tx[p] - this.x[p]) + (rng.next() - 0.5) * 0.3;
      this.step(p, len, false);
      if (Math.hypot(this.x[p] - this.tx[p], this.y[p] - this.ty[p]) < 8 * world.scale) {
        this.phase[p] = 1;
        this.episode[p] = 10 + rng.int(20);
      }
    } else if (this.phase[p] === 1) {
      this.heading[p] += (rng.next() - 0.5) * 1.2;
      const nx = this.x[p] + Math.cos(this.heading[p]) * len;
      const ny = this.y[p] + Math.sin(this.heading[p]) * len;
      if (!inZone(zone, nx, ny)) this.heading[p] += Math.PI;
      this.step(p, len, false);
      if (--this.episode[p] <= 0) {
        this.phase[p] = 2;
        this.episode[p] = 1_000_000;
      }
    } else {
      const [ex, ey] = nearestExit(world, this.x[p], this.y[p]);
      this.heading[p] = Math.atan2(ey - this.y[p], ex - this.x[p]) + (rng.next() - 0.5) * 0.3;
      this.step(p, len, false);
      if (!inZone(zone, this.x[p], this.y[p])) {
        this.episode[p] = 0;
        this.phase[p] = 3; // back to normal play until the next episode
      }
    }
    if (inZone(zone, this.x[p], this.y[p])) this.shown[p]++;
  }
}

/** The closest point just outside the zone that is on the map. */
function nearestExit(world: World, x: number, y: number): [number, number] {
  const z = world.zone;
  const m = 10 * world.scale;
  const exits = (
    [
      [z.x0 - m, y],
      [z.x1 + m, y],
      [x, z.y1 + m],
      [x, z.y0 - m],
    ] as [number, number][]
  ).filter(([ex, ey]) => ex >= 0 && ey >= 0 && ex <= world.width && ey <= world.height);
  return exits.reduce((best, e) => (Math.hypot(e[0] - x, e[1] - y) < Math.hypot(best[0] - x, best[1] - y) ? e : best));
}

/** Whether the segment (x0, y0)–(x1, y1) passes through the rectangle (sampled; the zone is wide). */
function crosses(r: Rect, x0: number, y0: number, x1: number, y1: number): boolean {
  for (let t = 0; t <= 1; t += 1 / 64) if (inZone(r, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)) return true;
  return false;
}

function roundTo(v: number, decimals: number): number {
  if (decimals === 0) return Math.round(v);
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

export function pidxOf(player: number): number {
  return player + 1;
}

function pickClass(u: number): number {
  return u < 0.45 ? 0 : u < 0.8 ? 1 : 2;
}

function pickSpot(world: World, u: number): number {
  const total = world.spots.reduce((s, h) => s + h[2], 0);
  let acc = 0;
  for (let i = 0; i < world.spots.length; i++) {
    acc += world.spots[i][2] / total;
    if (u < acc) return i;
  }
  return world.spots.length - 1;
}

/** Relative activity by hour of day (UTC): a trough at 05:00, a peak at 20:00. */
function dailyRhythm(hour: number): number {
  return 0.55 + 0.45 * Math.cos(((hour - 20) / 24) * 2 * Math.PI);
}
