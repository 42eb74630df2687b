import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { crc32 } from '../../../app/main/png.ts';
import { appIconPng, rasterize, trayIconPng, trayLayers } from '../../../app/main/tray-icons.ts';
import { TRAY_ICON_STATES } from '../../../app/main/tray-state.ts';

/** Decodes our own (unfiltered RGBA) PNGs back to pixels, checking every chunk CRC. */
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

test('crc32 matches the PNG reference value', () => {
  assert.equal(crc32(Buffer.from('IEND')), 0xae426082);
});

test('every tray state encodes to a valid 16px and 32px PNG with the drawn pixels', () => {
  for (const state of TRAY_ICON_STATES) {
    for (const size of [16, 32]) {
      const { width, height, pixels } = decode(trayIconPng(state, size));
      assert.deepEqual([width, height], [size, size]);
      assert.deepEqual(pixels, Buffer.from(rasterize(size, trayLayers(state))));
    }
  }
});

test('states differ in shape, not only colour: the signed-out ring has a transparent centre', () => {
  const centreAlpha = (state: (typeof TRAY_ICON_STATES)[number]) => {
    const { pixels } = decode(trayIconPng(state, 32));
    return pixels[(16 * 32 + 16) * 4 + 3];
  };
  assert.equal(centreAlpha('signed-out'), 0);
  assert.equal(centreAlpha('signed-in'), 255);
  const corner = decode(trayIconPng('attention', 32)).pixels;
  assert.equal(corner[(25 * 32 + 25) * 4 + 0], 234, 'attention badge is orange at bottom right');
});

test('app icon: 512px, opaque inside, transparent corner', () => {
  const { width, pixels } = decode(appIconPng(512));
  assert.equal(width, 512);
  assert.equal(pixels[3], 0);
  assert.equal(pixels[(100 * 512 + 256) * 4 + 3], 255);
});
