/**
 * Lint, and above all the layering rule (see ../shared/DESIGN.md §1): imports flow renderer → shared,
 * preload → shared, main → shared. shared imports nothing of ours and no Node/DOM/Electron;
 * only main/electron/ and preload/ import electron; the renderer never imports main.
 */
import tseslint from 'typescript-eslint';

// Exact module names (`paths`), so a relative file that happens to be called e.g. './electron' is not caught.
const NODE_BUILTINS = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net', 'stream', 'url', 'util'];
const NATIVE = ['better-sqlite3', 'onnxruntime-node', 'h5wasm', 'h5wasm/node', 'ws'];

const rule = (patterns, names = []) => ({
  'no-restricted-imports': ['error', { patterns, paths: names.map(([name, message]) => ({ name, message })) }],
});
const group = (group, message) => ({ group, message });
const names = (list, message) => list.map((name) => [name, message]);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tmp/**', 'coverage/**', 'test-results/**', 'playwright-report/**', 'tests/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: rule(
      [
        group(['**/main/**', '**/renderer/**', '**/preload/**'], 'Layering: shared/ imports nothing of ours outside shared/.'),
        group(['node:*'], 'Layering: shared/ must stay environment-neutral (no Node, DOM or Electron).'),
      ],
      names(['electron', ...NODE_BUILTINS, ...NATIVE], 'Layering: shared/ must stay environment-neutral (no Node, DOM or Electron).'),
    ),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: rule(
      [
        group(['**/main/**', '**/preload/**'], 'Layering: the renderer talks to main only through the contract (renderer/api).'),
        group(['node:*'], 'Layering: no Node or Electron in the renderer.'),
      ],
      names(['electron', ...NODE_BUILTINS, ...NATIVE], 'Layering: no Node or Electron in the renderer.'),
    ),
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: rule(
      [group(['**/renderer/**', '**/preload/**'], 'Layering: main never imports the renderer or the preload.')],
      names(['electron'], 'Layering: only main/electron/ imports electron.'),
    ),
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: rule([group(['**/renderer/**', '**/preload/**'], 'Layering: main never imports the renderer or the preload.')]),
  },
  {
    files: ['preload/**/*.ts'],
    rules: rule([group(['**/main/**', '**/renderer/**'], 'Layering: the preload only uses shared/ and electron.')]),
  },
);
