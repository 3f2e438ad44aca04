/**
 * Byte-order marks: a UTF-8 BOM is dropped, UTF-16 (LE or BE, by its BOM) is decoded to UTF-8, so the
 * scanners only ever see UTF-8 and a file reads the same alone or in a batch. Without a BOM bytes are UTF-8.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

export function encodingOf(head: Buffer): { encoding: TextEncodingName; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return { encoding: 'utf-8', bom: 0 };
}

/** The head of a file as text (for sniffing), BOM removed. */
export function headText(head: Buffer): string {
  const { encoding, bom } = encodingOf(head);
  return new TextDecoder(encoding).decode(head.subarray(bom));
}

/** The chunks as UTF-8 without a BOM; decoding keeps state across chunks (a character may be cut in two). */
export async function* utf8Chunks(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let first: Buffer | null = Buffer.alloc(0);
  let decoder: TextDecoder | null = null;
  for await (const raw of input) {
    let chunk = raw as Buffer;
    if (first !== null) {
      first = Buffer.concat([first, chunk]);
      if (first.length < 3) continue;
      const { encoding, bom } = encodingOf(first);
      if (encoding !== 'utf-8') decoder = new TextDecoder(encoding);
      chunk = first.subarray(bom);
      first = null;
    }
    yield decoder ? Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8') : chunk;
  }
  if (first !== null && first.length) {
    const { encoding, bom } = encodingOf(first);
    yield encoding === 'utf-8' ? first.subarray(bom) : Buffer.from(new TextDecoder(encoding).decode(first.subarray(bom)), 'utf8');
  }
  if (decoder) {
    const rest = decoder.decode();
    if (rest) yield Buffer.from(rest, 'utf8');
  }
}
