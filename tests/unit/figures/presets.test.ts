/** Journal presets: sizes in mm, text in pt, and the messages for options no journal page allows. */
import { describe, expect, it } from 'vitest';
import {
  ExportOptionsError,
  mmToPx,
  panelLetter,
  presetById,
  PRESETS,
  ptToPx,
  pxToMm,
  pxToPt,
  resolveExportOptions,
} from '../../../shared/figures/presets.js';

describe('units', () => {
  it('converts mm, pt and CSS px (96 per inch) both ways', () => {
    expect(mmToPx(25.4)).toBeCloseTo(96, 12);
    expect(mmToPx(89)).toBeCloseTo(336.378, 3);
    expect(mmToPx(183)).toBeCloseTo(691.654, 3);
    expect(ptToPx(7)).toBeCloseTo(9.3333, 4);
    expect(ptToPx(5)).toBeCloseTo(6.6667, 4);
    expect(pxToPt(ptToPx(6.5))).toBeCloseTo(6.5, 12);
    expect(pxToMm(mmToPx(121))).toBeCloseTo(121, 12);
  });
});

describe('presets', () => {
  it('has Nature single and double column at 89 and 183 mm with 5–7 pt text, and the other journals and a slide', () => {
    expect(presetById('nature-single')).toMatchObject({
      widthMm: 89,
      maxWidthMm: 183,
      maxHeightMm: 170,
      font: { pt: 7, minPt: 5, maxPt: 7 },
    });
    expect(presetById('nature-double')).toMatchObject({ widthMm: 183, panelLetter: { pt: 8, case: 'lower' } });
    for (const journal of ['Science', 'Cell', 'eLife', 'PNAS', 'Slide']) expect(PRESETS.some((p) => p.journal === journal)).toBe(true);
    expect(presetById('slide')).toMatchObject({ widthMm: 338.67, heightMm: 190.5 });
  });

  it('every preset is self-consistent: its size fits its page, its text size is in its range, its lines are thin', () => {
    for (const p of PRESETS) {
      expect(p.widthMm, p.id).toBeLessThanOrEqual(p.maxWidthMm);
      expect(p.heightMm, p.id).toBeLessThanOrEqual(p.maxHeightMm);
      expect(p.font.pt, p.id).toBeGreaterThanOrEqual(p.font.minPt);
      expect(p.font.pt, p.id).toBeLessThanOrEqual(p.font.maxPt);
      expect(p.lineWidthPt.axis, p.id).toBeLessThanOrEqual(p.lineWidthPt.data);
      expect(() => resolveExportOptions({ preset: p.id }), p.id).not.toThrow();
    }
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  it('resolves a preset with overrides; tick labels one point smaller, never below the minimum', () => {
    expect(resolveExportOptions({ preset: 'nature-single' })).toEqual({
      preset: 'nature-single',
      widthMm: 89,
      heightMm: 70,
      dpi: 600,
      fontPt: 7,
      tickFontPt: 6,
      axisLinePt: 0.5,
      dataLinePt: 0.75,
      panelLetter: { pt: 8, case: 'lower' },
    });
    const o = resolveExportOptions({ preset: 'nature-double', widthMm: 120, heightMm: 80, dpi: 300, fontPt: 5 });
    expect(o).toMatchObject({ widthMm: 120, heightMm: 80, dpi: 300, fontPt: 5, tickFontPt: 5 });
  });

  it.each([
    [{ preset: 'nature-quadruple' }, /^unknown preset 'nature-quadruple' \(available: nature-single, nature-double, science-single/],
    [{ preset: 'nature-single', widthMm: 200 }, "width 200 mm does not fit Nature's page (nature-single: at most 183 mm)"],
    [{ preset: 'nature-single', heightMm: 171 }, "height 171 mm does not fit Nature's page (nature-single: at most 170 mm)"],
    [{ preset: 'nature-single', widthMm: 0 }, 'width must be a positive number of mm, got 0'],
    [{ preset: 'nature-single', heightMm: -5 }, 'height must be a positive number of mm, got -5'],
    [{ preset: 'nature-single', widthMm: Number.NaN }, 'width must be a positive number of mm, got NaN'],
    [{ preset: 'nature-single', widthMm: 10 }, 'width 10 mm is too small: at least 20 mm'],
    [{ preset: 'nature-single', dpi: 72.5 }, 'dpi must be a whole number from 72 to 2400, got 72.5'],
    [{ preset: 'nature-single', dpi: 5000 }, 'dpi must be a whole number from 72 to 2400, got 5000'],
    [{ preset: 'slide', dpi: 2400 }, /^338\.67 × 190\.5 mm at 2400 dpi is 32000 px on its long side; at most 16000 px: lower the dpi$/],
    [{ preset: 'nature-single', fontPt: 9 }, "font size 9 pt is outside Nature's range for nature-single (5–7 pt)"],
  ])('refuses %o with a message naming the option', (request, message) => {
    expect(() => resolveExportOptions(request)).toThrow(ExportOptionsError);
    expect(() => resolveExportOptions(request)).toThrow(message);
  });

  it('letters panels a … z, aa … in reading order, in the preset case', () => {
    expect([0, 1, 25, 26, 27].map((i) => panelLetter(i, 'lower'))).toEqual(['a', 'b', 'z', 'aa', 'ab']);
    expect(panelLetter(2, 'upper')).toBe('C');
  });
});
