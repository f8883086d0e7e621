import baseConfig from '../../eslint.config.mjs';

/**
 * The workspace rules, with one change: this project is a library for its importers (tests of
 * other projects start it in-process) yet also has a `build` target — an esbuild bundle with
 * `bundle: true` that compiles the workspace libs from source. Nx would therefore call it a
 * "buildable library" and demand buildable dependencies, which the bundle does not need.
 * Every dependency constraint still applies.
 */
export default baseConfig.map((config) => {
  const rule = config.rules?.['@nx/enforce-module-boundaries'];
  if (!Array.isArray(rule)) return config;
  const [level, options] = rule;
  return {
    ...config,
    rules: {
      ...config.rules,
      '@nx/enforce-module-boundaries': [
        level,
        { ...options, enforceBuildableLibDependency: false },
      ],
    },
  };
});
