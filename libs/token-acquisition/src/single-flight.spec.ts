import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('runs concurrent callers of one key once and gives all the same result', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    let release: (v: number) => void = () => undefined;
    const work = () => {
      runs += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const results = Promise.all(Array.from({ length: 50 }, () => flights.run('k', work)));
    expect(flights.size).toBe(1);
    release(42);
    expect(await results).toEqual(Array(50).fill(42));
    expect(runs).toBe(1);
    expect(flights.size).toBe(0);
  });

  it('keeps keys apart and shares a failure, then runs again', async () => {
    const flights = new SingleFlight<string>();
    const a = flights.run('a', async () => 'A');
    const b = flights.run('b', async () => 'B');
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
    const failing = [
      flights.run('x', () => Promise.reject(new Error('down'))),
      flights.run('x', async () => 'never'),
    ];
    await expect(Promise.all(failing)).rejects.toThrow('down');
    await expect(flights.run('x', async () => 'again')).resolves.toBe('again');
  });
});
