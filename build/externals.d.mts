/** See externals.mjs. */
export const NATIVE_EXTERNALS: readonly string[];
export const BUNDLE_EXTERNALS: readonly string[];
