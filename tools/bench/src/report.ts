/** One line of the results table: a figure, the baseline it is compared to, and the target. */
export interface ResultRow {
  /** Which figure this is, for code that looks rows up (e.g. `warm-cpu`); not printed. */
  key?: string;
  scenario: string;
  metric: string;
  /** The figure, formatted for people. */
  value: string;
  /** What it is compared to, formatted (`—` when none). */
  baseline: string;
  /** value ÷ baseline where a ratio is meaningful (higher is better for throughputs). */
  ratio?: number;
  /** Target ratio (drawn on the chart), e.g. 0.7. */
  targetRatio?: number;
  /** The target in words, e.g. `≥ 70 % of the gate`. */
  target?: string;
  /** Whether the target is met; undefined when there is no target. */
  met?: boolean;
}

export interface BenchMeta {
  date: string;
  mode: 'full' | 'quick';
  node: string;
  cores: number;
  cpu: string;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  durationSeconds: number;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function verdict(row: ResultRow): string {
  if (row.met === undefined) return row.target ?? '';
  return `${row.target ?? ''} ${row.met ? '✅ met' : '❌ missed'}`.trim();
}

/** The results as a Markdown table. */
export function markdownTable(rows: readonly ResultRow[]): string {
  const lines = [
    '| scenario | metric | value | baseline | ratio | target |',
    '| --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const ratio = r.ratio !== undefined && Number.isFinite(r.ratio) ? r.ratio.toFixed(3) : '';
    lines.push(
      `| ${[r.scenario, r.metric, r.value, r.baseline, ratio, verdict(r)].map(cell).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The results as a fixed-width console table. */
export function consoleTable(rows: readonly ResultRow[]): string {
  const header = ['scenario', 'metric', 'value', 'baseline', 'ratio', 'target'];
  const body = rows.map((r) => [
    r.scenario,
    r.metric,
    r.value,
    r.baseline,
    r.ratio !== undefined && Number.isFinite(r.ratio) ? r.ratio.toFixed(3) : '',
    verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
