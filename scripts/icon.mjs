// Draws images/icon.png (128x128): a blue shield with a white check mark. Only node:zlib, so the icon can be
// remade anywhere without downloading an image tool: `node scripts/icon.mjs`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
/** Samples per pixel side: edges are antialiased by averaging SAMPLES² points. */
const SAMPLES = 4;
const FILL = [24, 188, 242]; // Home Assistant's blue
const BORDER = [13, 110, 156];
const CHECK = [255, 255, 255];

/** Half the shield's width at height y (0 at the top, 1 at the bottom), or -1 outside it; coordinates in 0..1. */
function shieldHalfWidth(y) {
  const top = 0.1;
  const shoulder = 0.5;
  const tip = 0.93;
  if (y < top || y > tip) return -1;
  // A slight dip in the middle of the top edge is drawn by shieldContains; here the sides: straight, then
  // curving in to the point.
  if (y <= shoulder) return 0.37;
  const t = (y - shoulder) / (tip - shoulder);
  return 0.37 * (1 - t ** 1.8);
}

function shieldContains(x, y, inset) {
  const dip = 0.03 * Math.cos(((x - 0.5) / 0.37) * (Math.PI / 2)); // the top edge sags a little towards the centre
  if (y < 0.1 + inset + Math.max(0, dip)) return false;
  const half = shieldHalfWidth(y + inset * 0.8);
  return half > inset && Math.abs(x - 0.5) <= half - inset;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

const CHECK_POINTS = [[0.31, 0.5], [0.45, 0.65], [0.7, 0.35]];
function checkContains(x, y) {
  return distanceToSegment(x, y, CHECK_POINTS[0], CHECK_POINTS[1]) < 0.045 || distanceToSegment(x, y, CHECK_POINTS[1], CHECK_POINTS[2]) < 0.045;
}

/** The colour and coverage of one sample point, painted back to front: border, fill, check. */
function sample(x, y) {
  if (!shieldContains(x, y, 0)) return undefined;
  if (checkContains(x, y)) return CHECK;
  return shieldContains(x, y, 0.035) ? FILL : BORDER;
}

// One filter byte (0: none) per row, then RGBA pixels.
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let row = 0; row < SIZE; row++) {
  raw[row * (SIZE * 4 + 1)] = 0;
  for (let column = 0; column < SIZE; column++) {
    const sum = [0, 0, 0];
    let covered = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = sample((column + (sx + 0.5) / SAMPLES) / SIZE, (row + (sy + 0.5) / SAMPLES) / SIZE);
        if (!colour) continue;
        covered++;
        for (let channel = 0; channel < 3; channel++) sum[channel] += colour[channel];
      }
    }
    const offset = row * (SIZE * 4 + 1) + 1 + column * 4;
    for (let channel = 0; channel < 3; channel++) raw[offset + channel] = covered ? Math.round(sum[channel] / covered) : 0;
    raw[offset + 3] = Math.round((covered * 255) / (SAMPLES * SAMPLES));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG chunk: length, type, data, and the CRC of type and data. */
function chunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bits per channel
header[9] = 6; // colour type: RGBA
header[10] = 0; // compression: deflate
header[11] = 0; // filter method
header[12] = 0; // no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const target = new URL('../images/icon.png', import.meta.url);
writeFileSync(target, png);
console.log(`wrote ${target.pathname} (${png.length} bytes)`);
