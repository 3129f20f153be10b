/**
 * The raster formats written by hand: PNG chunks, pHYs and decoding (against images written by
 * Pillow and a hand-filtered image using all five row filters), the TIFF writer's LZW (against an
 * independent decoder that first reads a TIFF written by libtiff), tags and resolution; and the
 * all-or-nothing writing of an export's files.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { zlibSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAllOrNothing } from '../../../main/figures/files.js';
import { crc32, decodePng, encodeChunks, pngChunks, pngResolution, withResolution } from '../../../main/figures/png.js';
import { encodeTiff, lzwEncode } from '../../../main/figures/tiff.js';
import { tempDir } from '../helpers.js';
import { lzwDecode, readTiff } from './readers.js';

const fixtures = resolve(import.meta.dirname, '../../fixtures/figures');
const fixture = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));

/** A PNG whose rows use filters 0,1,2,3,4,0,1… (forward filters written here, apart from the decoder). */
function handFilteredPng(width: number, height: number, pixels: Uint8Array, bpp: number): Uint8Array {
  const stride = width * bpp;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = y % 5;
    raw[y * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const x = pixels[y * stride + i];
      const a = i >= bpp ? pixels[y * stride + i - bpp] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= bpp ? pixels[(y - 1) * stride + i - bpp] : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      raw[y * (stride + 1) + 1 + i] = (x - predictor) & 0xff;
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, bpp === 4 ? 6 : 2, 0, 0, 0], 8);
  return encodeChunks([
    { type: 'IHDR', data: ihdr },
    { type: 'IDAT', data: zlibSync(raw) },
    { type: 'IEND', data: new Uint8Array(0) },
  ]);
}

describe('PNG', () => {
  it('computes chunk CRCs (IEND’s is the well-known AE426082)', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('decodes Pillow-written RGB and RGBA images byte for byte', () => {
    const rgb = decodePng(fixture('gradient-rgb.png'));
    expect(rgb).toMatchObject({ width: 37, height: 23, channels: 3 });
    expect(rgb.data).toEqual(fixture('gradient.rgb'));
    const rgba = decodePng(fixture('gradient-rgba.png'));
    expect(rgba).toMatchObject({ width: 37, height: 23, channels: 4 });
    expect(rgba.data).toEqual(fixture('gradient.rgba'));
  });

  it('undoes all five row filters', () => {
    const pixels = fixture('gradient.rgba');
    expect(decodePng(handFilteredPng(37, 23, pixels, 4)).data).toEqual(pixels);
    const rgb = fixture('gradient.rgb');
    expect(decodePng(handFilteredPng(37, 23, rgb, 3)).data).toEqual(rgb);
  });

  it('writes the resolution as pHYs (pixels per metre) before the image data, replacing any earlier one', () => {
    const original = fixture('gradient-rgb.png');
    expect(pngResolution(original)!.x).toBeCloseTo(300, 1);
    const at600 = withResolution(original, 600);
    const chunks = pngChunks(at600);
    expect(chunks.map((c) => c.type).filter((t) => t === 'pHYs')).toHaveLength(1);
    expect(chunks.findIndex((c) => c.type === 'pHYs')).toBeLessThan(chunks.findIndex((c) => c.type === 'IDAT'));
    const dpi = pngResolution(at600)!;
    expect(Math.round(dpi.x)).toBe(600);
    expect(Math.abs(dpi.y - 600)).toBeLessThan(0.01);
    expect(decodePng(at600).data).toEqual(fixture('gradient.rgb'));
  });

  it('refuses what is not a PNG', () => {
    expect(() => pngChunks(new TextEncoder().encode('GIF89a......'))).toThrow('not a PNG file: bad signature');
  });
});

describe('TIFF', () => {
  it('the test decoder reads an LZW TIFF written by libtiff (Pillow)', () => {
    const tiff = readTiff(fixture('gradient-lzw.tif'));
    expect(tiff.tags.get(259)).toEqual([5]);
    expect(tiff.data).toEqual(fixture('gradient.rgb'));
    expect(tiff.tags.get(282)).toEqual([450, 1]);
  });

  it('LZW round-trips empty, short, repetitive and random data, across dictionary resets', () => {
    let seed = 1;
    const random = Uint8Array.from({ length: 300_000 }, () => (seed = (seed * 48271) % 2147483647) & 0xff);
    const cases = [new Uint8Array(0), Uint8Array.of(7), new Uint8Array(100_000).fill(255), random, fixture('gradient.rgba')];
    for (const input of cases) expect(lzwDecode(lzwEncode(input), input.length + 16)).toEqual(input);
    // Repetitive data compress well; random data (4094-code dictionaries refilled many times) round-trip.
    expect(lzwEncode(new Uint8Array(100_000).fill(255)).length).toBeLessThan(2_000);
  });

  it('writes RGB, LZW, the resolution in dpi (inch unit) and the software', () => {
    const image = decodePng(fixture('gradient-rgba.png'));
    const tiff = readTiff(encodeTiff(image, 600, 'Cajal Studio test'));
    expect([tiff.width, tiff.height]).toEqual([37, 23]);
    expect(tiff.tags.get(258)).toEqual([8, 8, 8]);
    expect(tiff.tags.get(259)).toEqual([5]);
    expect(tiff.tags.get(262)).toEqual([2]);
    expect(tiff.tags.get(282)).toEqual([600, 1]);
    expect(tiff.tags.get(283)).toEqual([600, 1]);
    expect(tiff.tags.get(296)).toEqual([2]);
    expect(String.fromCharCode(...tiff.tags.get(305)!)).toBe('Cajal Studio test\0');
    // Alpha is composited onto white paper.
    const rgba = fixture('gradient.rgba');
    for (const p of [0, 100, 850]) {
      const alpha = rgba[p * 4 + 3];
      for (let c = 0; c < 3; c++) expect(tiff.data[p * 3 + c]).toBe(Math.round((rgba[p * 4 + c] * alpha + 255 * (255 - alpha)) / 255));
    }
  });

  it('splits tall images into strips that decode back to the image', () => {
    const width = 300;
    const height = 700;
    const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 31) % 251);
    const tiff = readTiff(encodeTiff({ width, height, channels: 3, data }, 300, 'x'));
    expect(tiff.tags.get(273)!.length).toBeGreaterThan(1);
    expect(tiff.data).toEqual(data);
  });
});

describe('writing an export', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('renames every file into place only when all are written', async () => {
    const out = join(dir.path, 'ok');
    await writeAllOrNothing([
      { path: join(out, 'fig.svg'), data: '<svg/>' },
      { path: join(out, 'fig.csv'), data: 'a\n1\n' },
    ]);
    expect(readdirSync(out).sort()).toEqual(['fig.csv', 'fig.svg']);
    expect(readFileSync(join(out, 'fig.csv'), 'utf8')).toBe('a\n1\n');
  });

  it('leaves nothing behind, not even temporary files, when one file cannot be written', async () => {
    const out = join(dir.path, 'fail');
    mkdirSync(out);
    writeFileSync(join(out, 'existing.txt'), 'keep');
    const blocked = join(out, 'not-a-folder');
    writeFileSync(blocked, 'a file where a folder is needed');
    await expect(
      writeAllOrNothing([
        { path: join(out, 'fig.pdf'), data: new Uint8Array(10) },
        { path: join(blocked, 'fig.csv'), data: 'x' },
      ]),
    ).rejects.toThrow();
    expect(readdirSync(out).sort()).toEqual(['existing.txt', 'not-a-folder']);
  });
});
