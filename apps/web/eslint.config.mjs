import baseConfig from '../../eslint.config.mjs';

const RULE = '@nx/enforce-module-boundaries';

/**
 * Tests start the emulator in-process (DESIGN.md §2). The root config allows `type:emulator`
 * in test files, but the emulator lives under apps/, so Nx types it as an application and the
 * rule's separate "imports of apps are forbidden" check still fires. Allow exactly that import,
 * in the root's test-file blocks only; production code stays under the unchanged rule.
 * (Root fix: `"projectType": "library"` in apps/entra-emulator/package.json's `nx`.)
 */
const emulatorInTests = baseConfig
  .filter((block) => block.rules?.[RULE] && block.files?.includes('**/*.spec.ts'))
  .map((block) => {
    const [level, options] = block.rules[RULE];
    return {
      files: block.files,
      rules: {
        [RULE]: [level, { ...options, allow: [...(options.allow ?? []), '@obo/entra-emulator'] }],
      },
    };
  });

export default [...baseConfig, ...emulatorInTests];
