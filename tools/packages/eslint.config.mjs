import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // The consumer is a project outside the workspace (copied to a temporary folder by the
    // outside test): its `@obo/*` imports resolve to the installed tarballs, not to projects.
    files: ['consumer/**/*'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
