import { fmt, median, pct, percentile, ratio, summarize } from './stats';

describe('stats', () => {
  it('takes the median of odd and even samples without sorting the input', () => {
    const input = [5, 1, 3];
    expect(median(input)).toBe(3);
    expect(input).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });

  it('uses nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  it('refuses ratios against a missing baseline', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(3, NaN)).toBeNaN();
  });

  it('formats numbers and percentages', () => {
    expect(fmt(12345.678, 1)).toBe('12,345.7');
    expect(fmt(NaN)).toBe('n/a');
    expect(pct(0.8734)).toBe('87.3 %');
  });

  it('summarizes latencies', () => {
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p99: 3, max: 3 });
  });
});
