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
}
