// Draws the app icon (build/icon.png, 512x512 RGBA) with no image tools: a loyalty card with a
// bonus coin on the till's navy. Run `node scripts/make-icon.mjs` after changing the drawing;
// the PNG is committed so packaging needs nothing but electron-builder.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const px = Buffer.alloc(SIZE * SIZE * 4);

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Signed distance to a rounded rectangle (negative inside). */
function roundRect(x, y, cx, cy, hw, hh, r) {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function blend(i, [r, g, b], alpha) {
  if (alpha <= 0) return;
  const a = Math.min(1, alpha);
  px[i] = Math.round(px[i] * (1 - a) + r * a);
  px[i + 1] = Math.round(px[i + 1] * (1 - a) + g * a);
  px[i + 2] = Math.round(px[i + 2] * (1 - a) + b * a);
  px[i + 3] = Math.max(px[i + 3], Math.round(255 * a));
}

for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const i = (y * SIZE + x) * 4;
    const fx = x + 0.5;
    const fy = y + 0.5;
    // Anti-aliased shapes: coverage from the signed distance, one pixel wide.
    blend(i, [0x12, 0x32, 0x4f], 0.5 - roundRect(fx, fy, 256, 256, 240, 240, 96));
    blend(i, [0xff, 0xff, 0xff], 0.5 - roundRect(fx, fy, 236, 262, 170, 110, 22));
    blend(i, [0x0b, 0x6b, 0xcb], Math.min(0.5 - roundRect(fx, fy, 236, 200, 170, 22, 0), 0.5 - roundRect(fx, fy, 236, 262, 170, 110, 22)));
    blend(i, [0x9a, 0xa4, 0xae], 0.5 - roundRect(fx, fy, 170, 300, 90, 10, 5));
    blend(i, [0x9a, 0xa4, 0xae], 0.5 - roundRect(fx, fy, 150, 336, 70, 10, 5));
    const coin = Math.hypot(fx - 372, fy - 372) - 86;
    blend(i, [0x06, 0x76, 0x47], 0.5 - coin);
    // A plus: bonuses earned.
    blend(i, [0xff, 0xff, 0xff], 0.5 - roundRect(fx, fy, 372, 372, 11, 46, 5));
    blend(i, [0xff, 0xff, 0xff], 0.5 - roundRect(fx, fy, 372, 372, 46, 11, 5));
  }
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) px.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../build/icon.png', import.meta.url), png);
console.log(`build/icon.png: ${SIZE}x${SIZE}, ${png.length} bytes`);
