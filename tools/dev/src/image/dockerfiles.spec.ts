import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';

/**
 * What the three Dockerfiles must keep, read from their text (the container test builds and
 * inspects the images themselves): the install is cached across source changes, the runtime
 * starts from scratch as uid 1000, and api and web stay the same file but for name and port.
 */

const root = findWorkspaceRoot(__dirname);
const APPS = ['api', 'web', 'entra-emulator'];
const dockerfile = (app: string) => readFileSync(join(root, 'apps', app, 'Dockerfile'), 'utf8');

/** Instructions (continuations joined, comments dropped) per stage. */
function stages(text: string): string[][] {
  const instructions = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const result: string[][] = [];
  for (const instruction of instructions) {
    if (/^FROM /.test(instruction)) result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

describe.each(APPS)('apps/%s/Dockerfile', (app) => {
  const all = stages(dockerfile(app));

  it('copies only package manifests before npm ci, and the sources after', () => {
    const build = all.find((s) => s.some((i) => i.startsWith('RUN npm ci')));
    if (!build) throw new Error('no stage runs npm ci');
    const install = build.findIndex((i) => i.startsWith('RUN npm ci'));
    const copiesBefore = build.slice(0, install).filter((i) => i.startsWith('COPY'));
    expect(copiesBefore).toEqual(['COPY --from=manifests /manifests/ ./']);
    expect(build.slice(install)).toContain('COPY . .');
  });

  it('builds the runtime from scratch, running as uid 1000 with an exec-form HEALTHCHECK', () => {
    const runtime = all.at(-1) ?? [];
    expect(runtime[0]).toBe('FROM scratch');
    expect(runtime).toContain('USER 1000:1000');
    expect(runtime.find((i) => i.startsWith('HEALTHCHECK'))).toMatch(/ CMD \["node", "-e", /);
    // Owned by root: only the emulator's own state folders are handed to the app's user.
    const chowned = runtime.filter((i) => i.includes('--chown'));
    expect(chowned).toEqual(
      app === 'entra-emulator' ? ['COPY --from=build --chown=1000:1000 /out/state/ /'] : [],
    );
  });
});

it('api and web Dockerfiles differ only in the app’s name and port', () => {
  const generic = (app: string, port: string) =>
    dockerfile(app).replaceAll(app, '<app>').replaceAll(port, '<port>');
  expect(generic('web', '3000')).toBe(generic('api', '4000'));
});
