/**
 * Tray and window icons are checked-in PNGs (drawn once by build/resources/generate-icons.ts), copied
 * by the build to dist/icons/ — beside dist/main.cjs both in a checkout and inside the packaged
 * app.asar, so one path relative to main resolves in both. Per state `<state>.png` plus `@2x`
 * (nativeImage loads the @2x file itself); on macOS `<state>Template.png`, black + alpha, which
 * the menu bar tints for light and dark mode.
 */
import { join } from 'node:path';
import type { OsKind } from '../../platform/platform.ts';
import type { TrayIconState } from './tray-state.ts';

/** Relative to dist/: where build/build.mjs copies build/resources/tray and the window icon. */
export const ICON_DIR = 'icons';
export const TRAY_ICON_DIR = `${ICON_DIR}/tray`;
export const WINDOW_ICON = `${ICON_DIR}/app.png`;

/** The file shown for a state on this OS (its @2x sits beside it). */
export function trayIconFile(dir: string, state: TrayIconState, os: OsKind): string {
  return join(dir, `${state}${os === 'darwin' ? 'Template' : ''}.png`);
}

/** The parts of Electron's NativeImage the loader uses. */
export interface LoadedImage {
  isEmpty(): boolean;
  setTemplateImage(option: boolean): void;
}

export interface TrayIconDeps<I extends LoadedImage> {
  /** Absolute dist/icons/tray. */
  dir: string;
  os: OsKind;
  /** nativeImage.createFromPath (an empty image when the file is missing). */
  createFromPath(path: string): I;
  log(line: string): void;
}

/** Loads (once per state) the icon for each tray state. */
export function createTrayIcons<I extends LoadedImage>(deps: TrayIconDeps<I>): (state: TrayIconState) => I {
  const cache = new Map<TrayIconState, I>();
  return (state) => {
    const cached = cache.get(state);
    if (cached !== undefined) return cached;
    const path = trayIconFile(deps.dir, state, deps.os);
    const img = deps.createFromPath(path);
    if (img.isEmpty()) deps.log(`tray: icon ${path} is missing or not a PNG (is dist/ built?)`);
    if (deps.os === 'darwin') img.setTemplateImage(true);
    cache.set(state, img);
    return img;
  };
}
