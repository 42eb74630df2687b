/**
 * Evaluates a CommonJS bundle that build/build.mjs inlined as a string (fast-start/full.ts), the way
 * Node evaluates a .js file: wrapped in (exports, require, module, __filename, __dirname). Keeping the
 * full bridge as a string means starting the bridge does not parse it; it is compiled only at the
 * first message the fast start hands over. The string is part of dist/bridge.js itself (no second
 * file, nothing read from disk or the network).
 */
import { compileFunction } from 'node:vm';

type CommonJsWrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  ...paths: string[]
) => void;

export function evaluateCommonJs<T>(
  source: string,
  options: { filename: string; dirname: string; require: NodeJS.Require },
): T {
  const module = { exports: {} as unknown };
  const wrapper = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], {
    filename: options.filename,
  }) as CommonJsWrapper;
  wrapper(module.exports, options.require, module, options.filename, options.dirname);
  return module.exports as T;
}
