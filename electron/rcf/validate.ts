import { RcfInputError } from './errors.ts';

/** Checks a row-major point array: shape, and every value finite. Returns the number of rows. */
export function checkPoints(points: Float64Array, dims: number, columns?: readonly string[]): number {
  if (!Number.isInteger(dims) || dims < 1) throw new RcfInputError(`dims must be a positive integer, got ${dims}`);
  if (points.length % dims !== 0) {
    throw new RcfInputError(`${points.length} values do not make whole rows of ${dims} dimensions`);
  }
  for (let i = 0; i < points.length; i++) {
    const v = points[i];
    if (v - v !== 0) {
      // v - v is NaN exactly for NaN and ±Infinity: one test in the hot loop, details only on failure.
      const col = i % dims;
      const name = columns?.[col] !== undefined ? `'${columns[col]}'` : String(col);
      throw new RcfInputError(`column ${name} row ${(i - col) / dims}: ${v} is not a number the forest can score`);
    }
  }
  return points.length / dims;
}

export function checkInt(value: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RcfInputError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}

export function checkNumber(value: number, name: string, min: number, max = Infinity): number {
  if (!(value >= min && value <= max)) throw new RcfInputError(`${name} must be a number in ${min}..${max}, got ${value}`);
  return value;
}
