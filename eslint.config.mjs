// ESLint with type-aware rules (typescript-eslint recommendedTypeChecked) over every hand-written
// TypeScript file; the formatter is Prettier (.prettierrc.json), run by `make lint` and `make format`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'generated/**',
      'docs/**',
      '**/node_modules/**',
      '**/dist/**',
      '.tools/**',
      'reports/**',
      'data/**',
      'clients/{kotlin,java,python,swift,dart}/**',
      'clients/flows/**',
      'clients/typescript/src/generated/**',
      'clients/typescript/test/fixtures/**',
      'scripts/contract/venv/**',
      '.venv/**',
      '.venv-clients/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './clients/typescript/tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (a parameter an interface requires, a skipped element).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Implementations of Promise-returning interfaces (Db, SmsSender, fakes) are `async` without an
      // await on purpose: a throw then becomes a rejection, as every caller of the interface expects.
      '@typescript-eslint/require-await': 'off',
      // Passing on another promise's rejection reason unchanged (an abort's reason, typed `any` by the
      // DOM) is not inventing one.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // Tests and benchmarks read JSON answers (harness.request, fetch) as `any` and assert their shape with expect();
    // typing every reply would restate the contract the assertions check. Production code keeps the rules.
    files: ['**/*.test.ts', 'server/test/**', 'test/support/**', 'clients/typescript/test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // Plain JavaScript and the configs outside any tsconfig: syntax rules only.
    files: ['**/*.mjs', '**/*.cjs', 'vitest.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', module: 'writable' } },
  },
);
