/** A bar of the chart: a label, a ratio, and optionally the target ratio to mark. */
export interface Bar {
  label: string;
  ratio: number;
  target?: number;
  met?: boolean;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * Horizontal bars of ratios (1.0 = the baseline), with a dashed mark at each bar's target.
 * Self-contained SVG: no scripts, no external fonts or styles.
 */
export function barChartSvg(title: string, bars: readonly Bar[]): string {
  const labelWidth = 360;
  const plotWidth = 420;
  const barHeight = 22;
  const gap = 10;
  const top = 40;
  const finite = bars.filter((b) => Number.isFinite(b.ratio));
  const max = Math.max(1.2, ...finite.map((b) => Math.max(b.ratio, b.target ?? 0))) * 1.05;
  const x = (v: number) => labelWidth + (Math.max(0, v) / max) * plotWidth;
  const height = top + finite.length * (barHeight + gap) + 30;
  const width = labelWidth + plotWidth + 80;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  finite.forEach((b, i) => {
    const y = top + i * (barHeight + gap);
    const color = b.met === undefined ? '#6b7280' : b.met ? '#2f855a' : '#c53030';
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + barHeight / 2 + 4}" text-anchor="end">${escapeXml(b.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${(x(b.ratio) - labelWidth).toFixed(1)}" height="${barHeight}" fill="${color}"/>`,
      `<text x="${(x(b.ratio) + 4).toFixed(1)}" y="${y + barHeight / 2 + 4}">${b.ratio.toFixed(2)}×</text>`,
    );
    if (b.target !== undefined) {
      const tx = x(b.target).toFixed(1);
      parts.push(
        `<line x1="${tx}" y1="${y - 3}" x2="${tx}" y2="${y + barHeight + 3}" stroke="#111827" stroke-width="2" stroke-dasharray="3,2"/>`,
      );
    }
  });
  const baseY = top + finite.length * (barHeight + gap);
  const one = x(1).toFixed(1);
  parts.push(
    `<line x1="${one}" y1="${top - 6}" x2="${one}" y2="${baseY}" stroke="#9ca3af" stroke-width="1"/>`,
    `<text x="${one}" y="${baseY + 16}" text-anchor="middle" fill="#4b5563">1.0 = baseline (dashed: target)</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
