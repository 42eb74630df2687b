// What the bundles leave to node_modules at run time, shared by build/build.mjs (esbuild `external`)
// and the packaging test (test/unit/main/packaging.test.ts), which checks that electron-builder.yml
// packs exactly these modules — with only their run-time files, for the target platform only.
// Everything else the app imports is bundled into dist/ and must never be copied from node_modules.

/**
 * Native or OS-specific modules loaded from node_modules at run time: keytar (the OS keychain),
 * msal-node-runtime (the OS broker, one build per OS/arch) and msal-node-extensions, which loads both
 * (and, on Windows, its own DPAPI addon) by path relative to itself. `electron` is the runtime itself.
 */
export const NATIVE_EXTERNALS = ['keytar', '@azure/msal-node-runtime', '@azure/msal-node-extensions'];

/** esbuild `external` for the Node/Electron bundles (main, CLI). */
export const BUNDLE_EXTERNALS = [...NATIVE_EXTERNALS, 'electron'];
