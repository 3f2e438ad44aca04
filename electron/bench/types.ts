/** One measured number. Suites report ratios measured side by side in the same run, not absolute targets alone. */
export interface BenchRow {
  suite: string;
  case: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchOptions {
  /** Smaller inputs, for a smoke run. */
  quick?: boolean;
  /** Play-log rows (the lab bench; default the lab's 40,529,100). */
  rows?: number;
  /** Where the lab bench generates (or finds) its lake: DIR, complete once DIR.complete exists. */
  lake?: string;
  /** The lab bench's scratch folder (default .bench/lab). */
  dir?: string;
  /** The CLI entry the lab bench runs its steps with (default this checkout's scripts/cli.mjs), to compare builds. */
  cli?: string;
  /** The lab bench without its yardsticks (GetObject loop, CTAS, folder import): the product's steps only. */
  productOnly?: boolean;
}
