/**
 * msal-node-extensions — the keychain persistence and the OS broker plugin — loaded on first use, never
 * at import. Loading it loads keytar's native module (`keytar/build/Release/keytar.node`) and
 * msal-node-runtime at once, so a missing or broken native build (an offline `npm rebuild` that
 * deleted it, a Node/Electron ABI mismatch) must cost the keychain — a memory-mode start with the
 * reason (token-cache.ts) and the browser instead of the OS broker (os-broker.ts) — not every
 * command: `graph-bridge --version` never touches it.
 *
 * `require` rather than `import()`: the bundles are CommonJS, and a dynamic import() of an external
 * package would switch them to the package's ES build (and Electron's ES loader inside app.asar).
 */
import { createRequire } from 'node:module';
import type * as MsalExtensionsModule from '@azure/msal-node-extensions';

export type MsalExtensions = typeof MsalExtensionsModule;
/** Returns the module or throws what loading it threw (tests inject a failing one). */
export type LoadMsalExtensions = () => MsalExtensions;

export const loadMsalExtensions: LoadMsalExtensions = () =>
  createRequire(import.meta.url)('@azure/msal-node-extensions') as MsalExtensions;

/**
 * One line for status: what failed to load, without the require stack node appends
 * ("Cannot find module '../build/Release/keytar.node'").
 */
export function moduleLoadReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const first = text.split(/\r?\n/)[0] ?? text;
  return first.replace(/\s+/g, ' ').trim().slice(0, 200);
}
