#!/usr/bin/env -S node --import tsx
/**
 * Draws the checked-in icons (anti-aliased by supersampling, encoded as PNG with no dependencies).
 * The app never draws: it loads these files (app/main/tray/tray-icons.ts). Run after changing a shape:
 *   node --import tsx build/resources/generate-icons.ts
 * It writes:
 *   build/resources/icon.png                  512×512 app icon (electron-builder derives .icns/.ico)
 *   build/resources/icons/<N>x<N>.png         Linux icon set (AppImage/deb); 256 is the window icon
 *   build/resources/tray/<state>.png, @2x     16/32 px full-colour tray icons (Windows, Linux)
 *   build/resources/tray/<state>Template.png, Template@2x.png
 *                                             macOS template images: black + alpha, the menu bar tints them
 * States differ in shape, not only colour (signed-out ring, signed-in disc, attention disc + badge,
 * paused disc with bars), so they stay distinguishable for colour-blind users, in monochrome panels
 * and as macOS templates, where white parts become holes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const TRAY_STATES = ['signed-out', 'signed-in', 'attention', 'paused'] as const;
type State = (typeof TRAY_STATES)[number];
type Rgba = readonly [number, number, number, number];
/** A shape answers "is this point (in 0..1 icon units) inside?". */
type Shape = (x: number, y: number) => boolean;
interface Layer {
  shape: Shape;
  color: Rgba;
}

const BLUE: Rgba = [15, 108, 189, 255];
const GREY: Rgba = [112, 112, 120, 255];
const ORANGE: Rgba = [234, 125, 0, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [0, 0, 0, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

const disc =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring =
  (cx: number, cy: number, r: number, w: number): Shape =>
  (x, y) => {
    const d = Math.sqrt((x - cx) ** 2 + (y - cy) ** 2);
    return d <= r && d >= r - w;
  };
const rect =
  (x0: number, y0: number, x1: number, y1: number): Shape =>
  (x, y) =>
    x >= x0 && x <= x1 && y >= y0 && y <= y1;
const roundRect =
  (inset: number, radius: number): Shape =>
  (x, y) => {
    const lo = inset + radius;
    const hi = 1 - inset - radius;
    const cx = Math.min(Math.max(x, lo), hi);
    const cy = Math.min(Math.max(y, lo), hi);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
  };

function trayLayers(state: State): Layer[] {
  switch (state) {
    case 'signed-out':
      return [{ shape: ring(0.5, 0.5, 0.42, 0.14), color: GREY }];
    case 'signed-in':
      return [
        { shape: disc(0.5, 0.5, 0.42), color: BLUE },
        { shape: disc(0.5, 0.5, 0.14), color: WHITE },
      ];
    case 'attention':
      return [
        { shape: disc(0.45, 0.45, 0.38), color: BLUE },
        { shape: disc(0.45, 0.45, 0.12), color: WHITE },
        { shape: disc(0.76, 0.76, 0.24), color: WHITE },
        { shape: disc(0.76, 0.76, 0.18), color: ORANGE },
      ];
    case 'paused':
      return [
        { shape: disc(0.5, 0.5, 0.42), color: GREY },
        { shape: rect(0.34, 0.3, 0.44, 0.7), color: WHITE },
        { shape: rect(0.56, 0.3, 0.66, 0.7), color: WHITE },
      ];
  }
}

/** macOS template: colour becomes black, white becomes a hole (the menu bar tints what is left). */
const asTemplate = (layers: Layer[]): Layer[] =>
  layers.map((l) => ({ shape: l.shape, color: l.color === WHITE ? CLEAR : BLACK }));

/** The app icon (dock, installers, window): white bridge mark on a blue rounded square. */
function appIconLayers(): Layer[] {
  return [
    { shape: roundRect(0.06, 0.2), color: BLUE },
    { shape: ring(0.5, 0.5, 0.3, 0.07), color: WHITE },
    { shape: disc(0.5, 0.5, 0.1), color: WHITE },
    { shape: rect(0.14, 0.47, 0.86, 0.53), color: WHITE },
  ];
}

/** Rasterises layers (later layers paint over earlier ones, CLEAR erases) into straight-alpha RGBA. */
function rasterize(size: number, layers: readonly Layer[], samples = 4): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          let c: Rgba = CLEAR;
          for (const layer of layers) if (layer.shape(x, y)) c = layer.color;
          const a = c[3] / 255;
          acc[0]! += c[0] * a;
          acc[1]! += c[1] * a;
          acc[2]! += c[2] * a;
          acc[3]! += a;
        }
      }
      const i = (py * size + px) * 4;
      const alpha = acc[3]! / (samples * samples);
      out[i] = alpha > 0 ? Math.round(acc[0]! / acc[3]!) : 0;
      out[i + 1] = alpha > 0 ? Math.round(acc[1]! / acc[3]!) : 0;
      out[i + 2] = alpha > 0 ? Math.round(acc[2]! / acc[3]!) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes `rgba` (size*size*4 bytes, row-major, straight alpha) as an unfiltered RGBA PNG. */
function encodePng(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Every icon file, by path relative to build/resources/. */
export function iconFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const app = (size: number) => encodePng(size, rasterize(size, appIconLayers(), size >= 256 ? 2 : 4));
  files.set('icon.png', app(512));
  for (const size of [16, 32, 48, 64, 128, 256, 512]) files.set(`icons/${size}x${size}.png`, app(size));
  for (const state of TRAY_STATES) {
    for (const [suffix, layers] of [
      ['', trayLayers(state)],
      ['Template', asTemplate(trayLayers(state))],
    ] as const) {
      files.set(`tray/${state}${suffix}.png`, encodePng(16, rasterize(16, layers)));
      files.set(`tray/${state}${suffix}@2x.png`, encodePng(32, rasterize(32, layers)));
    }
  }
  return files;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const [path, png] of iconFiles()) {
    mkdirSync(join(here, path, '..'), { recursive: true });
    writeFileSync(join(here, path), png);
  }
  console.log(`icons written to ${here}`);
}
