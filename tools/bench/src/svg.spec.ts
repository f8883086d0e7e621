import { barChartSvg } from './svg';
import { consoleTable, markdownTable } from './report';

describe('barChartSvg', () => {
  it('draws one bar per finite ratio, with a target mark, escaping labels', () => {
    const svg = barChartSvg('Ratios <bench>', [
      { label: 'API / express & co', ratio: 0.9, target: 0.85, met: true },
      { label: 'validate / raw', ratio: 0.7, target: 0.75, met: false },
      { label: 'missing', ratio: NaN },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Ratios &lt;bench&gt;');
    expect(svg).toContain('API / express &amp; co');
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svg).toContain('#2f855a');
    expect(svg).toContain('#c53030');
    expect(svg).not.toContain('missing');
  });
});

describe('tables', () => {
  const rows = [
    {
      scenario: 's',
      metric: 'a|b',
      value: '1',
      baseline: '2',
      ratio: 0.5,
      target: '≥ 75 %',
      met: false,
    },
    { scenario: 's', metric: 'c', value: '3', baseline: '—' },
  ];
  it('renders Markdown with escaped pipes and verdicts', () => {
    const md = markdownTable(rows);
    expect(md.split('\n')).toHaveLength(4);
    expect(md).toContain('a\\|b');
    expect(md).toContain('0.500');
    expect(md).toContain('❌ missed');
  });
  it('renders an aligned console table', () => {
    const lines = consoleTable(rows).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0].indexOf('metric')).toBe(lines[2].indexOf('a|b'));
  });
});
