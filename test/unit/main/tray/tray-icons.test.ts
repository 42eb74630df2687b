import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateSync } from 'node:zlib';
import { iconFiles } from '../../../../build/resources/generate-icons.ts';
import { createTrayIcons, trayIconFile } from '../../../../app/main/tray/tray-icons.ts';
import { TRAY_ICON_STATES } from '../../../../app/main/tray/tray-state.ts';

const resources = fileURLToPath(new URL('../../../../build/resources/', import.meta.url));
const trayDir = join(resources, 'tray');

/** Decodes an unfiltered RGBA PNG (what the generator writes), checking every chunk CRC. */
function decode(png: Buffer): { width: number; height: number; pixels: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + len);
    assert.equal(png.readUInt32BE(offset + 8 + len), crc32(png.subarray(offset + 4, offset + 8 + len)), `${type} CRC`);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    offset += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  return { width, height, pixels };
}

const x2 = (path: string) => path.replace(/\.png$/, '@2x.png');

test('the checked-in icons are exactly what build/resources/generate-icons.ts draws', () => {
  const files = iconFiles();
  assert.equal(files.size, 1 + 7 + TRAY_ICON_STATES.length * 4);
  for (const [path, png] of files) {
    assert.ok(existsSync(join(resources, path)), `${path} is checked in`);
    assert.ok(readFileSync(join(resources, path)).equals(png), `${path} is stale: run the generator`);
  }
});

test('every state on every OS resolves to a 16 px icon with a 32 px @2x beside it', () => {
  for (const os of ['linux', 'win32', 'darwin'] as const) {
    for (const state of TRAY_ICON_STATES) {
      const file = trayIconFile(trayDir, state, os);
      for (const [path, size] of [
        [file, 16],
        [x2(file), 32],
      ] as const) {
        const { width, height } = decode(readFileSync(path));
        assert.deepEqual([width, height], [size, size], path);
      }
    }
  }
});

test('macOS uses template images: black + alpha only; elsewhere full colour', () => {
  for (const state of TRAY_ICON_STATES) {
    const template = decode(readFileSync(x2(trayIconFile(trayDir, state, 'darwin')))).pixels;
    for (let i = 0; i < template.length; i += 4) {
      assert.deepEqual([template[i], template[i + 1], template[i + 2]], [0, 0, 0], `${state} pixel ${i / 4} is black`);
    }
    assert.match(trayIconFile(trayDir, state, 'darwin'), /Template\.png$/);
    const colour = decode(readFileSync(x2(trayIconFile(trayDir, state, 'linux')))).pixels;
    assert.ok(
      colour.some((v, i) => i % 4 !== 3 && v > 0),
      `${state} colour icon has colour`,
    );
  }
});

test('states differ in shape, not only colour, also as templates (white parts are holes)', () => {
  const alphaAt = (state: (typeof TRAY_ICON_STATES)[number], x: number, y: number) =>
    decode(readFileSync(x2(trayIconFile(trayDir, state, 'darwin')))).pixels[(y * 32 + x) * 4 + 3];
  assert.equal(alphaAt('signed-out', 16, 16), 0, 'the signed-out ring has a hole');
  assert.equal(alphaAt('signed-in', 16, 16), 0, 'the signed-in disc has a hole');
  assert.equal(alphaAt('signed-in', 16, 8), 255);
  assert.equal(alphaAt('paused', 12, 16), 0, 'pause bars are cut out');
  assert.equal(alphaAt('attention', 27, 27), 255, 'attention badge at bottom right');
  assert.equal(alphaAt('signed-in', 27, 27), 0, 'no badge when nothing waits');
  const colour = decode(readFileSync(x2(trayIconFile(trayDir, 'attention', 'linux')))).pixels;
  assert.equal(colour[(25 * 32 + 25) * 4], 234, 'the colour badge is orange');
});

test('app icon: 512 px, transparent corner, opaque inside', () => {
  const { width, pixels } = decode(readFileSync(join(resources, 'icon.png')));
  assert.equal(width, 512);
  assert.equal(pixels[3], 0);
  assert.equal(pixels[(100 * 512 + 256) * 4 + 3], 255);
});

test('loader: one load per state, templates flagged on macOS, a missing file is logged', () => {
  const loads: string[] = [];
  const flagged: string[] = [];
  const logs: string[] = [];
  const make = (os: 'darwin' | 'linux', dir: string) =>
    createTrayIcons({
      dir,
      os,
      createFromPath: (path) => {
        loads.push(path);
        return {
          path,
          isEmpty: () => !existsSync(path),
          setTemplateImage: (on: boolean) => void (on && flagged.push(path)),
        };
      },
      log: (l) => logs.push(l),
    });
  const mac = make('darwin', trayDir);
  assert.equal(mac('paused').path, join(trayDir, 'pausedTemplate.png'));
  mac('paused');
  assert.deepEqual(loads, [join(trayDir, 'pausedTemplate.png')], 'cached');
  assert.deepEqual(flagged, [join(trayDir, 'pausedTemplate.png')]);
  const linux = make('linux', trayDir);
  assert.equal(linux('signed-in').path, join(trayDir, 'signed-in.png'));
  assert.equal(flagged.length, 1, 'no template outside macOS');
  assert.deepEqual(logs, []);
  make('linux', '/nowhere')('signed-out');
  assert.match(logs[0] ?? '', /\/nowhere\/signed-out\.png is missing/);
});
