import { ApiError } from './envelope.ts';

/**
 * Request checks, one dialect for handlers and domain modules alike: each returns the value with its
 * type narrowed, or throws BAD_REQUEST naming the field and what it must be (a clear message instead
 * of a TypeError deep inside).
 */

/** Bounds a number must keep: `min` and `max` inclusive, `above` exclusive. */
export interface Range {
  min?: number;
  max?: number;
  above?: number;
}

/** What was sent, short enough for one line. */
function given(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

const bad = (name: string, what: string, value: unknown) => new ApiError('BAD_REQUEST', `"${name}" must be ${what}, got ${given(value)}`);

function bounds({ min, max, above }: Range): string {
  if (above !== undefined) return ` > ${above}`;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  return max !== undefined ? ` ≤ ${max}` : '';
}

const inRange = (v: number, { min, max, above }: Range) =>
  !(min !== undefined && v < min) && !(max !== undefined && v > max) && !(above !== undefined && v <= above);

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw bad(name, 'a non-empty string', value);
  return value;
}

/** Any string, the empty one too (free text: a search, a note). */
export function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string') throw bad(name, 'a string', value);
  return value;
}

/** A finite number, within the range when one is given. */
export function requireNumber(value: unknown, name: string, range: Range = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value, range)) throw bad(name, `a number${bounds(range)}`, value);
  return value;
}

/** A whole number, within the range when one is given. */
export function requireInteger(value: unknown, name: string, range: Range = {}): number {
  if (!Number.isInteger(value) || !inRange(value as number, range)) throw bad(name, `a whole number${bounds(range)}`, value);
  return value as number;
}

/** One of a fixed set of names. */
export function requireOneOf<T extends string>(value: unknown, name: string, options: readonly T[]): T {
  if (!options.includes(value as T)) throw bad(name, `one of ${options.join(', ')}`, value);
  return value as T;
}

/** The check applied when the value is present; undefined (and null) stay absent. */
export function optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : check(value);
}
