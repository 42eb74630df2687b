/**
 * Evaluates a CommonJS bundle that build/build.mjs inlined as a string (fast-start/engine.ts), the way
 * Node evaluates a .js file: wrapped in (exports, require, module, __filename, __dirname). Keeping the
 * engine as a string means starting the bridge does not parse it; it is compiled only when first
 * needed. The string is part of dist/bridge.js itself (no second file, nothing read from the network).
 *
 * Compiled with `vm.Script` so V8 can be handed a code cache (code-cache.ts checks it first) and can
 * produce one (`createCachedData`, best after the engine served a call: then it also holds the
 * functions that call compiled lazily).
 */
import { Script } from 'node:vm';

type CommonJsWrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  ...paths: string[]
) => void;

export interface EvaluatedBundle<T> {
  exports: T;
  /** What V8 did with the cached data it was given. */
  cache: 'none' | 'accepted' | 'rejected';
  /** V8's code cache of the bundle as compiled so far. */
  createCachedData(): Buffer;
}

export function evaluateCommonJs<T>(
  source: string,
  options: { filename: string; dirname: string; require: NodeJS.Require; cachedData?: Buffer },
): EvaluatedBundle<T> {
  const module = { exports: {} as unknown };
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: options.filename,
    ...(options.cachedData ? { cachedData: options.cachedData } : {}),
  });
  const wrapper = script.runInThisContext() as CommonJsWrapper;
  wrapper(module.exports, options.require, module, options.filename, options.dirname);
  return {
    exports: module.exports as T,
    cache: options.cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'accepted',
    createCachedData: () => script.createCachedData(),
  };
}
