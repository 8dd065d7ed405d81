/**
 * @module Reads the pixels of the PNG files QEMU's screendump writes (8-bit RGB or RGBA, not interlaced), so
 * a test can say what a portal's display shows: how much of it is lit and how many colours it has.
 */
import { inflateSync } from 'node:zlib';

/** A decoded image: width, height and RGB triples row by row. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Decodes a PNG of 8-bit RGB or RGBA without interlacing (what QEMU writes). */
export function decodePng(png: Buffer): Pixels {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0)
        throw new Error('unsupported PNG');
      channels = colour === 2 ? 3 : 4;
    } else if (type === 'IDAT') {
      data.push(body);
    }
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 3);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const current = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (current[x - channels] ?? 0) : 0;
      const b = previous[x] ?? 0;
      const c = x >= channels ? (previous[x - channels] ?? 0) : 0;
      const value = line[x] ?? 0;
      const predicted =
        filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : 0;
      current[x] = (value + predicted) & 0xff;
    }
    for (let x = 0; x < width; x++)
      out.set(current.subarray(x * channels, x * channels + 3), (y * width + x) * 3);
    previous = current;
  }
  return { width, height, rgb: out };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The share of pixels brighter than near-black, and the number of distinct colours. */
export function describePixels(image: Pixels): { lit: number; colours: number } {
  let lit = 0;
  const colours = new Set<number>();
  for (let i = 0; i < image.rgb.length; i += 3) {
    const [r, g, b] = [image.rgb[i] ?? 0, image.rgb[i + 1] ?? 0, image.rgb[i + 2] ?? 0];
    if (r + g + b > 48) lit++;
    colours.add((r << 16) | (g << 8) | b);
  }
  return { lit: lit / (image.width * image.height), colours: colours.size };
}
