import { RcfInputError } from '../errors.ts';
import { deserializeStreamingForest, serializeStreamingForest } from '../serialize.ts';
import { ThresholdedDetector, type DetectorState } from './detector.ts';

/**
 * A detector between two rows: "RCFT" | version u32 | state JSON bytes u32 | 4 reserved, the state as
 * JSON (numbers round-trip exactly; the state holds only finite numbers) padded to 8 bytes, then the
 * streaming forest's own format. Restoring it continues bit-identically.
 */
const MAGIC = 0x54464352; // "RCFT"
const VERSION = 1;
const HEADER = 16;

export function serializeDetector(d: ThresholdedDetector): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(d.state));
  const forest = serializeStreamingForest(d.forest);
  const jsonEnd = HEADER + Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(jsonEnd + forest.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, HEADER);
  out.set(forest, jsonEnd);
  return out;
}

export function deserializeDetector(bytes: Uint8Array): ThresholdedDetector {
  if (bytes.byteLength < HEADER) throw new RcfInputError('not a detector: too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new RcfInputError('not a detector: bad magic number');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new RcfInputError(`detector version ${version} is not supported (expected ${VERSION})`);
  const length = view.getUint32(8, true);
  const jsonEnd = HEADER + Math.ceil(length / 8) * 8;
  if (jsonEnd > bytes.byteLength) throw new RcfInputError('detector is truncated');
  let state: DetectorState;
  try {
    state = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER, HEADER + length))) as DetectorState;
  } catch {
    throw new RcfInputError('detector is corrupt: its state is not JSON');
  }
  // JSON writes NaN as null: the last values of measures never seen are NaN.
  state.last = state.last.map((v) => (v === null ? NaN : v));
  return ThresholdedDetector.restore(state, deserializeStreamingForest(bytes.subarray(jsonEnd)));
}
