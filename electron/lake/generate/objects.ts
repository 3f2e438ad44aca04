/**
 * Cuts one stream's records into lake objects the way the cloud pipeline does: Firehose flushes an
 * object every `objectSeconds` of arrival time into the hour folder of its oldest record; Glue output
 * (CSV, Parquet) sits in Hive folders. Memory stays at one buffer, whatever the object sizes.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { firehoseFolder, firehoseObjectName, hiveFolder, partitionOf } from '../layout.ts';
import type { LogName } from '../logs.ts';

export type DemoFormat = 'json' | 'csv' | 'parquet';

export interface ObjectWriterOptions {
  out: string;
  stream: LogName;
  format: DemoFormat;
  gzip: boolean;
  /** Arrival time each object covers (Firehose's buffer interval). */
  objectSeconds: number;
  /** First line of every object (the CSV header). */
  header?: string;
  uuid(): string;
  /** Firehose's delivery-stream version at an arrival time (it changes when the stream is reconfigured). */
  version(arrival: Date): number;
  /** Turns a finished JSON-lines file into Parquet (DuckDB's COPY); only for format parquet. */
  toParquet?(jsonPath: string, parquetPath: string): Promise<void>;
}

const FLUSH_BYTES = 1 << 20;

export class ObjectWriter {
  files = 0;
  private window = -1;
  private parts: string[] = [];
  private buffered = 0;
  private sink: { head: Gzip | WriteStream; done: Promise<void>; path: string; final: string } | null = null;

  constructor(private o: ObjectWriterOptions) {}

  /** Adds one record (a complete line) that arrived at `arrivalMicros`. */
  async add(arrivalMicros: number, line: string): Promise<void> {
    const window = Math.floor(arrivalMicros / (this.o.objectSeconds * 1e6));
    if (window !== this.window) {
      await this.closeObject();
      await this.openObject(new Date(Math.floor(arrivalMicros / 1000)));
      this.window = window;
    }
    this.parts.push(line);
    this.buffered += line.length;
    if (this.buffered >= FLUSH_BYTES) await this.flush();
  }

  async close(): Promise<void> {
    await this.closeObject();
  }

  private async openObject(arrival: Date) {
    const { o } = this;
    const part = partitionOf(arrival);
    const uuid = o.uuid();
    const gz = o.gzip ? '.gz' : '';
    const rel =
      o.format === 'json'
        ? `${o.stream}/${firehoseFolder(part)}${firehoseObjectName(o.stream, o.version(arrival), arrival, uuid)}${gz}`
        : `${o.stream}/${hiveFolder(part)}part-${String(this.files).padStart(5, '0')}-${uuid}.${o.format}${o.format === 'csv' ? gz : ''}`;
    const final = join(o.out, rel);
    const path = o.format === 'parquet' ? `${final}.jsonl.tmp` : final;
    await mkdir(dirname(path), { recursive: true });
    const file = createWriteStream(path);
    if (o.gzip && o.format !== 'parquet') {
      const head = createGzip();
      this.sink = { head, done: pipeline(head, file), path, final };
    } else {
      this.sink = { head: file, done: new Promise((res, rej) => file.on('close', res).on('error', rej)), path, final };
    }
    this.files++;
    if (o.header) this.parts.push(o.header);
  }

  private async flush() {
    if (!this.sink || this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.buffered = 0;
    const head = this.sink.head;
    if (!head.write(chunk)) await new Promise<void>((res) => head.once('drain', () => res()));
  }

  private async closeObject() {
    if (!this.sink) return;
    await this.flush();
    const sink = this.sink;
    this.sink = null;
    sink.head.end();
    await sink.done;
    if (this.o.format === 'parquet') {
      await this.o.toParquet!(sink.path, sink.final);
      await unlink(sink.path);
    }
  }
}
