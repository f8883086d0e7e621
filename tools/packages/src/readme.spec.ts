import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';

/**
 * The README's "Use the libraries in your own project" examples are the consumer's files, which
 * the outside test runs: each must appear there verbatim, as a whole fenced block.
 */
const root = findWorkspaceRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README examples', () => {
  it.each([
    ['api.cjs', 'js'],
    ['src/obo-service.ts', 'ts'],
    ['seed.mjs', 'js'],
    ['test/api.test.mjs', 'js'],
  ])('%s is shown verbatim', (file, lang) => {
    const text = readFileSync(join(root, 'tools', 'packages', 'consumer', file), 'utf8');
    expect(readme).toContain('```' + lang + '\n' + text + '```\n');
  });
});
