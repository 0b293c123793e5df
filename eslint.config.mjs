import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.kbuild/**',
      'node_modules/**',
      'coverage/**',
      'packages/*/dist/**',
      // the typed client's types, generated from the OpenAPI document (npm run client:generate)
      'packages/client/src/generated/**',
      'migrations/**',
      'scripts/**',
      'eslint.config.mjs',
      'jest.config.js',
      '.dependency-cruiser.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'request.**.expect'] }],
      'jest/valid-expect': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The pages: TypeScript bundled for the browser by esbuild (apps/api/src/pages.bundle.ts), type-checked against
    // the DOM and the server's event types by their own project (tsconfig.pages.json), linted like the rest.
    files: ['apps/api/src/pages/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.pages.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  // Formatting is Prettier's (checked first in `npm run lint`); no ESLint rule argues with it.
  prettier,
);
