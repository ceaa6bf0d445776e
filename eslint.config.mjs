// ESLint flat config: typescript-eslint's recommended rules over the sources, tests, benches and scripts.
// Formatting is Prettier's job (.prettierrc.json, `npm run format`), so no stylistic rules here.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' }
    },
    rules: {
      // Escaping terminal and Markdown text means matching control characters on purpose (src/report/escape.ts).
      'no-control-regex': 'off',
      // A leading underscore marks a value kept for its position (destructuring, callbacks).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }]
    }
  },
  {
    // Benchmark sources kept to regenerate real fixtures (e.g. Deno's), not part of the build.
    files: ['__tests__/fixtures/**'],
    rules: { '@typescript-eslint/ban-ts-comment': 'off' }
  },
  {
    files: ['__tests__/**'],
    rules: {
      // Tests compare against columns of rendered tables, where the exact run of spaces is the point.
      'no-regex-spaces': 'off',
      // Expected values are copied digit for digit from tools' output files.
      'no-loss-of-precision': 'off'
    }
  }
)
