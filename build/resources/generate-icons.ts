#!/usr/bin/env -S node --import tsx
/**
 * Regenerates the PNG icons from the shapes in app/main/tray-icons.ts (the app draws its tray icons
 * at run time from the same code; these files are for electron-builder and the docs):
 *   build/resources/icon.png              512×512 app icon (electron-builder derives .icns/.ico from it)
 *   build/resources/icons/<N>x<N>.png     Linux icon set (AppImage/deb)
 *   build/resources/tray/<state>.png      16×16 tray icons, and <state>@2x.png 32×32
 * Run: node --import tsx build/resources/generate-icons.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appIconPng, trayIconPng } from '../../app/main/tray-icons.ts';
import { TRAY_ICON_STATES } from '../../app/main/tray-state.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
mkdirSync(join(here, 'icons'), { recursive: true });
mkdirSync(join(here, 'tray'), { recursive: true });
writeFileSync(join(here, 'icon.png'), appIconPng(512));
for (const size of [16, 32, 48, 64, 128, 256, 512])
  writeFileSync(join(here, 'icons', `${size}x${size}.png`), appIconPng(size));
for (const state of TRAY_ICON_STATES) {
  writeFileSync(join(here, 'tray', `${state}.png`), trayIconPng(state, 16));
  writeFileSync(join(here, 'tray', `${state}@2x.png`), trayIconPng(state, 32));
}
console.log(`icons written to ${here}`);
