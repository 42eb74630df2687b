/**
 * Tray and app icons drawn in code (anti-aliased by 4×4 supersampling) and encoded as PNG:
 *   signed-out  grey ring            signed-in  blue disc
 *   attention   blue disc + orange badge        paused  grey disc with two pause bars
 * The shapes differ, not only the colours, so the states stay distinguishable for colour-blind users
 * and in monochrome panels.
 */
import { encodePng } from './png.ts';
import type { TrayIconState } from './tray-state.ts';

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

export function trayLayers(state: TrayIconState): Layer[] {
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

/** The app icon (dock, installers, window): white bridge mark on a blue rounded square. */
export function appIconLayers(): Layer[] {
  return [
    { shape: roundRect(0.06, 0.2), color: BLUE },
    { shape: ring(0.5, 0.5, 0.3, 0.07), color: WHITE },
    { shape: disc(0.5, 0.5, 0.1), color: WHITE },
    { shape: rect(0.14, 0.47, 0.86, 0.53), color: WHITE },
  ];
}

/** Rasterises layers (later layers paint over earlier ones) into straight-alpha RGBA. */
export function rasterize(size: number, layers: readonly Layer[], samples = 4): Uint8Array {
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

export function trayIconPng(state: TrayIconState, size: number): Buffer {
  return encodePng(size, size, rasterize(size, trayLayers(state)));
}

export function appIconPng(size: number): Buffer {
  return encodePng(size, size, rasterize(size, appIconLayers(), size >= 256 ? 2 : 4));
}
