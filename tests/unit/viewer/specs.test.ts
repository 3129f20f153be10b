/**
 * The viewer's plot data from view answers (renderer/features/viewer/specs.ts): never more than
 * 4 × width points per trace, NaN gaps between traces, lanes that keep each trace in its band,
 * spike ticks and gaps, the raster and ROI images on the right cells.
 */
import { describe, expect, it } from 'vitest';
import type { RasterView, RoiView, SpikeView, TraceView } from '../../../shared/domain/viewer.js';
import {
  clampWindow,
  LANE_FILL,
  laneScale,
  laneTicks,
  rasterCells,
  roiImage,
  spikeGaps,
  spikeTicks,
  stackedTraces,
} from '../../../renderer/features/viewer/specs.js';

function traceView(n: number, columns: number, value: (i: number, j: number) => [number, number]): TraceView {
  const min = new Float32Array(n * columns);
  const max = new Float32Array(n * columns);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < columns; j++) [min[i * columns + j], max[i * columns + j]] = value(i, j);
  }
  return {
    neurons: [0, n],
    frames: [0, columns * 10],
    columns,
    times: Float64Array.from({ length: columns + 1 }, (_, j) => j * 0.5),
    binFrames: 10,
    min,
    max,
  };
}

describe('stacked traces', () => {
  it('two points per column and a NaN gap per trace: at most 4 × width points per trace', () => {
    const width = 300;
    const v = traceView(7, width, (i, j) => [i + Math.sin(j), i + Math.sin(j) + 1]);
    const { x, y } = stackedTraces(v, laneScale(v), 0);
    expect(x.length).toBe(7 * (2 * width + 1));
    expect(x.length / 7).toBeLessThanOrEqual(4 * width);
    for (let i = 0; i < 7; i++) {
      const gap = (i + 1) * (2 * width + 1) - 1;
      expect(Number.isNaN(y[gap])).toBe(true);
      // Every point of trace i lies inside its lane [−i − 1, −i].
      for (let p = i * (2 * width + 1); p < gap; p++) {
        expect(y[p]).toBeGreaterThanOrEqual(-i - 1);
        expect(y[p]).toBeLessThanOrEqual(-i);
      }
    }
    // A column's min and max sit at the column's start time.
    expect([x[0], x[1], x[2]]).toEqual([0, 0, 0.5]);
  });

  it('maps each neuron’s overall range onto the same fraction of its lane; NaN stays a gap', () => {
    const overview = traceView(2, 4, (i, j) => (i === 0 ? [j, j] : [100 + 10 * j, 100 + 10 * j]));
    const scale = laneScale(overview);
    expect(Array.from(scale.low)).toEqual([0, 100]);
    expect(Array.from(scale.high)).toEqual([3, 130]);
    const view = traceView(2, 2, (i, j) => (j === 1 && i === 1 ? [NaN, NaN] : i === 0 ? [0, 3] : [100, 130]));
    const { y } = stackedTraces(view, scale, 0);
    const bottom = (lane: number) => -lane - 1 + (1 - LANE_FILL) / 2;
    expect(y[0]).toBeCloseTo(bottom(0), 6);
    expect(y[1]).toBeCloseTo(bottom(0) + LANE_FILL, 6);
    expect(y[5]).toBeCloseTo(bottom(1), 6);
    expect(Number.isNaN(y[7])).toBe(true);
  });

  it('labels at most ~40 lanes with the neurons’ own labels', () => {
    expect(laneTicks(10, 3, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'])).toEqual({
      tickvals: [-0.5, -1.5, -2.5],
      ticktext: ['k', 'l', 'm'],
    });
    expect(laneTicks(0, 200, undefined).tickvals).toHaveLength(40);
  });
});

describe('raster and spikes', () => {
  it('raster cells sit on a uniform grid of the view’s columns and rows; NaN cells are empty', () => {
    const view: RasterView = {
      neurons: [0, 6],
      frames: [0, 40],
      rows: 3,
      columns: 4,
      rowEdges: Uint32Array.from([0, 2, 4, 6]),
      times: Float64Array.from([10, 11, 12, 13, 14]),
      binFrames: 1,
      mean: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, NaN]),
      low: 1,
      high: 11,
    };
    const c = rasterCells(view);
    expect([c.x0, c.dx, c.y0, c.dy]).toEqual([10.5, 1, 1, 2]);
    expect(c.z).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, null],
    ]);
  });

  it('one vertical tick per spike in its unit’s lane, and unobserved stretches as segments', () => {
    const view: SpikeView = {
      units: [5, 7],
      window: [0, 10],
      mode: 'times',
      total: 3,
      offsets: Uint32Array.from([0, 2, 3]),
      times: Float64Array.from([1, 2, 9]),
      gapOffsets: Uint32Array.from([0, 0, 1]),
      gaps: Float64Array.from([4, 6]),
    };
    const t = spikeTicks(view);
    expect(Array.from(t.x)).toEqual([1, 1, 1, 2, 2, 2, 9, 9, 9]);
    expect(Array.from(t.y).map((v) => (Number.isNaN(v) ? null : Number(v.toFixed(3))))).toEqual([
      5.1,
      5.9,
      null,
      5.1,
      5.9,
      null,
      6.1,
      6.9,
      null,
    ]);
    const g = spikeGaps(view)!;
    expect(Array.from(g.x)).toEqual([4, 6, 6]);
    expect(Array.from(g.y).slice(0, 2)).toEqual([6.5, 6.5]);
  });
});

describe('ROI map image', () => {
  it('each pixel shows the ROI with the largest weight there, hover text names it', () => {
    const view: RoiView = {
      dims: [2, 3],
      count: 2,
      labels: ['12', '7'],
      centers: Float32Array.from([0, 0, 2, 1]),
      offsets: Uint32Array.from([0, 2, 4]),
      pixels: Uint32Array.from([0, 1, 1, 5]),
      weights: Float32Array.from([1, 0.2, 0.9, 1]),
    };
    const img = roiImage(view);
    expect(Array.from(img.roiAt)).toEqual([0, 1, -1, -1, -1, 1]);
    expect(img.z).toEqual([
      [0, 1, null],
      [null, null, 1],
    ]);
    expect(img.text[0][1]).toBe('ROI 7 (row 1)');
    expect(img.text[1][0]).toBe('');
  });
});

describe('time window', () => {
  it('slides back inside the recording and never grows past it', () => {
    expect(clampWindow([90, 130], 0, 100)).toEqual([60, 100]);
    expect(clampWindow([-5, 10], 0, 100)).toEqual([0, 15]);
    expect(clampWindow([-50, 150], 0, 100)).toEqual([0, 100]);
    expect(clampWindow([20, 30], 0, 100)).toEqual([20, 30]);
  });
});
