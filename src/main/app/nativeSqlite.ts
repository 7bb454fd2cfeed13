// better-sqlite3 is a native addon compiled for one ABI. node_modules holds the build for Node (the
// CLI and `npm test` use it); Electron needs one compiled against Electron's headers, which
// `npm start` (scripts/start.mjs) builds separately and passes in LIKENESS_ELECTRON_SQLITE.
// better-sqlite3 loads its addon through the `bindings` package; answering that one lookup with the
// Electron build lets the same store code run in both runtimes without rebuilding node_modules.
// Must run before anything imports better-sqlite3.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function useElectronSqliteBuild(): void {
  const binding = process.env.LIKENESS_ELECTRON_SQLITE;
  if (!binding) return; // a packaged app ships better-sqlite3 already rebuilt for Electron
  if (!existsSync(binding)) throw new Error(`LIKENESS_ELECTRON_SQLITE points at a missing file: ${binding}`);
  const require = createRequire(import.meta.url);
  const fromSqlite = createRequire(require.resolve('better-sqlite3'));
  const bindingsPath = fromSqlite.resolve('bindings');
  const original = fromSqlite('bindings') as (name: string) => unknown;
  const replacement = (name: string) => (name === 'better_sqlite3.node' ? require(binding) : original(name));
  const cached = require.cache[bindingsPath];
  if (cached) cached.exports = replacement;
}
