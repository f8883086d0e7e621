import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { attribute, frameClassifier, type CpuProfile } from './attribute';
import { categoryOfPath, GC, NATIVE, NODE_INTERNALS } from './categories';
import { bundleWithMap } from './take';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v) digit |= 32;
    out += BASE64[digit];
  } while (v);
  return out;
}

/** Source map v3 `mappings` from [generated column, source, original line, original column]. */
function mappings(lines: [number, number, number, number][][]): string {
  let source = 0;
  let line = 0;
  let column = 0;
  return lines
    .map((segments) => {
      let generated = 0;
      return segments
        .map(([g, s, l, c]) => {
          const text = vlq(g - generated) + vlq(s - source) + vlq(l - line) + vlq(c - column);
          [generated, source, line, column] = [g, s, l, c];
          return text;
        })
        .join(',');
    })
    .join(';');
}

describe('categoryOfPath', () => {
  it('groups packages, names workspace projects and the bundle’s own code', () => {
    expect(categoryOfPath('../../../node_modules/axios/lib/core/Axios.js', 'apps/api')).toBe(
      'axios',
    );
    expect(categoryOfPath('../../../node_modules/@azure/msal-common/dist/a.mjs', 'apps/api')).toBe(
      '@azure/msal-*',
    );
    expect(categoryOfPath('/w/node_modules/router/index.js', 'x')).toBe(
      'express (+ router, body-parser, …)',
    );
    expect(categoryOfPath('/w/node_modules/some-new-dep/index.js', 'x')).toBe('some-new-dep');
    expect(categoryOfPath('../../../libs/token-validation/src/validator.ts', 'apps/api')).toBe(
      '@obo/token-validation',
    );
    expect(categoryOfPath('/w/tools/bench/src/proxy-server.ts', 'x')).toBe('tools/bench');
    expect(categoryOfPath('../src/routes/subscriptions.ts', 'apps/api')).toBe('apps/api');
  });
});

describe('attribute', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-attr-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('charges windowed samples to the original sources of a bundle, per unit', () => {
    const bundlePath = join(dir, 'main.js');
    writeFileSync(bundlePath, '// bundle\n');
    writeFileSync(
      `${bundlePath}.map`,
      JSON.stringify({
        version: 3,
        file: 'main.js',
        sources: [
          '../../../node_modules/axios/lib/core/Axios.js',
          '../src/routes/subscriptions.ts',
          '../../../libs/token-validation/src/validator.ts',
        ],
        names: [],
        mappings: mappings([
          [
            [0, 0, 0, 0],
            [50, 1, 10, 2],
          ],
          [[0, 2, 40, 0]],
        ]),
      }),
    );
    const url = pathToFileURL(bundlePath).href;
    const frame = (functionName: string, frameUrl: string, lineNumber = 0, columnNumber = 0) => ({
      functionName,
      url: frameUrl,
      lineNumber,
      columnNumber,
    });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4, 5, 10, 11] },
        { id: 2, callFrame: frame('(program)', '') },
        { id: 3, callFrame: frame('(idle)', '') },
        { id: 4, callFrame: frame('(garbage collector)', '') },
        { id: 5, callFrame: frame('handle', url, 0, 60), children: [6, 9] },
        { id: 6, callFrame: frame('request', url, 0, 10), children: [7] },
        { id: 7, callFrame: frame('write', 'node:internal/streams/writable'), children: [8] },
        { id: 8, callFrame: frame('writev', '') },
        { id: 9, callFrame: frame('validate', url, 1, 5) },
        { id: 10, callFrame: frame('onStreamRead', 'node:internal/stream_base_commons') },
        { id: 11, callFrame: frame('asJson', 'file:///w/node_modules/pino/lib/tools.js') },
      ],
      startTime: 1000,
      endTime: 2300,
      // Stamps 1100, 1200, …, 2200; the window [1200, 2100) holds the 2nd to the 10th.
      samples: [6, 6, 7, 8, 9, 3, 4, 10, 5, 11, 6, 6],
      timeDeltas: Array.from({ length: 12 }, () => 100),
    };
    const result = attribute(
      profile,
      frameClassifier('apps/api', bundleWithMap(bundlePath)),
      { startUs: 1200, endUs: 2100 },
      2,
      100,
    );
    const byName = Object.fromEntries(
      result.categories.map((c) => [c.name, [c.selfUs, c.withRuntimeUs]]),
    );
    // 9 samples in the window, one idle: 8 × 100 µs ÷ 2 units.
    expect(result.busyUs).toBe(400);
    expect(result.intervalUs).toBe(100);
    expect(byName).toEqual({
      [NODE_INTERNALS]: [100, 50],
      axios: [50, 150],
      [NATIVE]: [50, 0],
      '@obo/token-validation': [50, 50],
      [GC]: [50, 50],
      'apps/api': [50, 50],
      pino: [50, 50],
    });
    expect(result.categories[0].name).toBe(NODE_INTERNALS);
  });

  it('names a bundle frame without a mapping as unmapped', () => {
    const classify = frameClassifier('apps/api', {
      url: 'file:///b/main.js',
      map: { findEntry: () => ({}) },
    });
    expect(
      classify({ functionName: 'f', url: 'file:///b/main.js', lineNumber: 3, columnNumber: 1 }),
    ).toBe('apps/api (bundle, unmapped)');
  });
});
