import { clockTicksPerSecond, parseProcStat, processCpuSeconds } from './cpu';

describe('parseProcStat', () => {
  it('reads utime and stime after a command name holding spaces and parentheses', () => {
    const line =
      '4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 5964 434318 0 22 157 31 775 172 20 0 11 0 67948';
    expect(parseProcStat(line)).toEqual({ utime: 157, stime: 31 });
  });

  it('refuses a line that is not /proc/<pid>/stat', () => {
    expect(() => parseProcStat('hello')).toThrow();
    expect(() => parseProcStat('1 (x) S 1 2')).toThrow();
  });
});

describe('processCpuSeconds', () => {
  it('agrees with process.cpuUsage() for this process within a few clock ticks', () => {
    let x = 0;
    for (let i = 0; i < 5e6; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    const fromProc = processCpuSeconds(process.pid);
    const usage = process.cpuUsage();
    const fromNode = (usage.user + usage.system) / 1e6;
    expect(Math.abs(fromProc - fromNode)).toBeLessThanOrEqual(5 / clockTicksPerSecond());
  });
});
