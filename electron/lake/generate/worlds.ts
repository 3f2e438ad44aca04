/**
 * The demo's game worlds. `lab` is the reference lab's map (1500 × 1000, whole-number positions, flat,
 * hot spots, the red zone at x 1000–1200, y 0–400). `continent` is a different game on purpose, so the
 * suite checks that detection is learned from the data and not from the lab's constants: eight times
 * the scale, float positions, terrain height in `z`, towns joined by roads that honest players follow,
 * and its own forbidden zone ("Dragon's Keep") away from every road.
 */
import { HOT_ZONE, RED_ZONE } from '../logs.ts';

export interface Rect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface World {
  name: WorldName;
  width: number;
  height: number;
  /** Honest step lengths are (1–6) × scale map units. */
  scale: number;
  /** Decimal places of positions (0: whole numbers, as in the lab). */
  decimals: number;
  /** The world's forbidden zone, which honest players never enter. */
  zone: Rect & { name: string };
  /** Hot spots (lab) or towns (continent): x, y, weight. */
  spots: readonly (readonly [number, number, number])[];
  /** Roads between towns (indexes into spots); null for a world without roads. */
  roads: readonly (readonly [number, number])[] | null;
  /** Terrain height at (x, y). */
  terrain(x: number, y: number): number;
}

export type WorldName = 'lab' | 'continent';
export const WORLD_NAMES: readonly WorldName[] = ['lab', 'continent'];

const LAB: World = {
  name: 'lab',
  width: 1500,
  height: 1000,
  scale: 1,
  decimals: 0,
  zone: { name: 'Red zone', ...RED_ZONE },
  spots: [
    [(HOT_ZONE.x0 + HOT_ZONE.x1) / 2, (HOT_ZONE.y0 + HOT_ZONE.y1) / 2, 4],
    [750, 250, 2],
    [1350, 700, 2],
    [200, 150, 1],
    [900, 850, 1],
    [1320, 300, 1], // beside the red zone: honest players brush its border
  ],
  roads: null,
  terrain: () => 0,
};

const CONTINENT: World = {
  name: 'continent',
  width: 12_000,
  height: 8_000,
  scale: 8,
  decimals: 2,
  zone: { name: "Dragon's Keep", x0: 9000, x1: 10_000, y0: 6200, y1: 7400 },
  spots: [
    [2500, 2000, 3],
    [5000, 1500, 2],
    [7500, 2500, 3],
    [10_000, 1800, 1],
    [3000, 5000, 2],
    [6000, 4500, 4],
    [8500, 5200, 2],
    [4500, 7000, 1],
    [7000, 7000, 2],
    [10_500, 4000, 1],
  ],
  roads: [
    [0, 1],
    [1, 2],
    [2, 3],
    [0, 4],
    [1, 5],
    [2, 5],
    [2, 6],
    [3, 9],
    [5, 6],
    [6, 9],
    [4, 5],
    [4, 7],
    [7, 8],
    [5, 8],
    [6, 8],
  ],
  terrain: (x, y) => 120 * Math.sin(x / 1300) * Math.cos(y / 900) + 40 * Math.sin((x + y) / 400),
};

export function worldOf(name: string): World {
  if (name === 'lab') return LAB;
  if (name === 'continent') return CONTINENT;
  throw new Error(`unknown world "${name}"; worlds: ${WORLD_NAMES.join(', ')}`);
}

/** The towns a road leads to from town `i`. */
export function neighbours(world: World, i: number): number[] {
  return (world.roads ?? []).flatMap(([a, b]) => (a === i ? [b] : b === i ? [a] : []));
}
