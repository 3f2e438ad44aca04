/**
 * A live game for follow mode's demo: each call to `next(arrival)` is one Firehose flush, a JSON-lines
 * object of the events since the previous one, named and foldered by its arrival time. Normal players
 * wander outside the forbidden zone in small steps; after `cheaterAfter` objects a new player joins
 * who walks straight into the red zone (x 1000–1200, y 0–400) and stays there.
 */
import { Rng } from '../../rcf/index.ts';
import { firehoseFolder, firehoseObjectName, partitionOf } from '../layout.ts';
import { formatMicros } from './index.ts';
import { pidxOf } from './simulate.ts';
import { worldOf } from './worlds.ts';

export interface LiveOptions {
  players: number;
  rowsPerObject: number;
  /** Objects before the cheater starts (0: from the first). */
  cheaterAfter: number;
  seed: number;
}

export interface LiveObject {
  /** Key in the bucket's layout, e.g. playlog/2026/12/02/06/playlog-1-2026-12-02-06-15-00-<uuid>. */
  key: string;
  body: string;
  rows: number;
}

const LAB = worldOf('lab');
const ZONE = LAB.zone;
const STEP = 4;

interface Walker {
  pidx: number;
  x: number;
  y: number;
  idx: number;
}

export class LiveGame {
  private rng: Rng;
  private players: Walker[];
  private objects = 0;
  private last = 0;
  /** The planted cheater's pidx once it has joined. */
  cheater: number | null = null;

  constructor(private o: LiveOptions) {
    this.rng = new Rng(o.seed, 7);
    this.players = Array.from({ length: o.players }, (_, i) => this.spawn(pidxOf(i)));
  }

  private spawn(pidx: number): Walker {
    // Anywhere left of the zone's columns, so a random walk never strays into it.
    return { pidx, x: this.rng.next() * (ZONE.x0 - 100), y: this.rng.next() * LAB.height, idx: 0 };
  }

  /** One Firehose object of `rowsPerObject` events spread over the time since the previous one. */
  next(arrival: Date): LiveObject {
    const end = arrival.getTime();
    const start = this.last || end - 60_000;
    this.last = end;
    if (this.cheater === null && this.objects >= this.o.cheaterAfter) {
      this.cheater = pidxOf(this.o.players + 1);
      this.players.push({ pidx: this.cheater, x: ZONE.x0 - 150, y: 200, idx: 0 });
    }
    this.objects++;
    const lines: string[] = [];
    for (let i = 0; i < this.o.rowsPerObject; i++) {
      const p = this.players[this.rng.int(this.players.length)];
      const ox = p.x;
      const oy = p.y;
      if (p.pidx === this.cheater) {
        // Heads for the middle of the zone, then loiters there.
        p.x = Math.min(p.x + 20, (ZONE.x0 + ZONE.x1) / 2) + (this.rng.next() - 0.5) * 4;
        p.y = 200 + (this.rng.next() - 0.5) * 4;
      } else {
        p.x = Math.min(ZONE.x0 - 50, Math.max(0, p.x + (this.rng.next() - 0.5) * 2 * STEP));
        p.y = Math.min(LAB.height, Math.max(0, p.y + (this.rng.next() - 0.5) * 2 * STEP));
      }
      const micros = (start + Math.floor(((i + 1) * (end - start)) / (this.o.rowsPerObject + 1))) * 1000;
      lines.push(
        `{"posnewx":${p.x.toFixed(2)},"posnewy":${p.y.toFixed(2)},"posnewz":0,"posoldx":${ox.toFixed(2)},"posoldy":${oy.toFixed(2)},"posoldz":0,"pidx":${p.pidx},"idx":${p.idx++},"action":1,"createdate":"${formatMicros(micros)}"}`,
      );
    }
    const uuid = [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => this.rng.int(16).toString(16)).join('')).join('-');
    return {
      key: `playlog/${firehoseFolder(partitionOf(arrival))}${firehoseObjectName('playlog', 1, arrival, uuid)}`,
      body: lines.join('\n') + '\n',
      rows: lines.length,
    };
  }
}
