// ESLint flat config: TypeScript rules everywhere, zero warnings, and the layer rules that
// make "where does this code run" machine-checked (STYLE.md example 1):
//   - 'electron' only in main/electron and preload;
//   - no Node built-ins in renderer/ or common/;
//   - main/core never imports a host (web, cli, electron).
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noElectron = { name: 'electron', message: "Only main/electron and preload may import 'electron'; core reaches OS features through ports." };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*.tmp.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    files: ['main/electron/**', 'preload/**', 'test/electron/**', 'test/unit/electron/**', 'test/security/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [{ regex: '^(\\.\\./)+(web|cli|electron)(/|$)', message: 'main/core may not import a host (web, cli, electron).' }],
        },
      ],
    },
  },
  {
    files: ['common/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'common/ is pure TypeScript: no Node built-ins.' }))] }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is sandboxed: no Node built-ins.' }))] }],
    },
  },
);
