/**
 * Default figures of the connectome analysis, print-styled: one four-panel figure per component
 * (pair matrix ordered by community, community graph, time loading, recording loadings), the rank
 * selection figure (error and restart stability versus rank) and the null control.
 */
import type { NtfComponentReport, NtfConnectomeParams, NtfRankReport } from '../../../shared/analyses/ntf-connectome.js';
import type { FigureSpec, FigureTable } from '../../../shared/domain/figure.js';
import type { NdArray } from '../../../shared/domain/ndarray.js';
import { paperAxis, paperLayout } from '../../../shared/figures/style.js';
import type { AnalysisResult } from '../types.js';
import { pairAt } from './communities.js';

/** Okabe–Ito: distinguishable with colour-blindness and in greyscale print order. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const NONE = '#c8c8c8';
const LOADING_SCALE: Array<[number, string]> = [
  [0, '#ffffff'],
  [0.35, '#9ecae1'],
  [1, '#08306b'],
];
const MAX_EDGES = 600;

const colour = (community: number) => (community < 0 ? NONE : PALETTE[community % PALETTE.length]!);
const num = (a: NdArray, i: number) => Number(a.data[i]);
const fmtP = (p: number | null) => (p === null ? '' : p < 0.001 ? ', p < 0.001' : `, p = ${p.toFixed(3)}`);

function panelLabel(letter: string, x: number, y: number): Record<string, unknown> {
  return {
    text: `<b>${letter}</b>`,
    x,
    y,
    xref: 'paper',
    yref: 'paper',
    xanchor: 'left',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 12 },
  };
}

const hidden = (extra: Record<string, unknown> = {}) => ({ visible: false, showgrid: false, zeroline: false, ...extra });

/**
 * Node positions: ROI centres when known (image y downwards); else each community on its own small
 * circle around the centre, strongest member first, and the cells of no community on an outer ring.
 */
function layoutOf(
  n: number,
  communities: number[][],
  rest: number[],
  roi: NdArray | undefined,
): { x: number[]; y: number[]; fromRois: boolean } {
  if (roi)
    return {
      x: Array.from({ length: n }, (_, i) => num(roi, 2 * i)),
      y: Array.from({ length: n }, (_, i) => -num(roi, 2 * i + 1)),
      fromRois: true,
    };
  const x = new Array<number>(n);
  const y = new Array<number>(n);
  const ring = (cells: number[], cx: number, cy: number, radius: number) =>
    cells.forEach((cell, k) => {
      const a = Math.PI / 2 - (2 * Math.PI * k) / cells.length;
      x[cell] = cx + radius * Math.cos(a);
      y[cell] = cy + radius * Math.sin(a);
    });
  const C = communities.length;
  communities.forEach((members, k) => {
    const a = Math.PI / 2 - (2 * Math.PI * k) / C;
    const centre = C === 1 ? 0 : 0.55;
    ring(members, centre * Math.cos(a), centre * Math.sin(a), C === 1 ? 0.6 : Math.min(0.4, 0.5 * Math.sin(Math.PI / C)));
  });
  ring(rest, 0, 0, 1.15);
  return { x, y, fromRois: false };
}

function componentFigure(result: AnalysisResult, params: NtfConnectomeParams, c: NtfComponentReport, nullCount: number): FigureSpec {
  const { arrays } = result;
  const R = params.rank;
  const r = c.index;
  const [n] = arrays.nodeStrength!.shape as [number, number];
  const P = (n * (n - 1)) / 2;
  const W = arrays.windowTimes!.shape[0]!;
  const K = arrays.recordingLoadings!.shape[0]!;
  const pair = (p: number) => num(arrays.pairLoadings!, p * R + r);
  const label = Array.from({ length: n }, (_, i) => num(arrays.communityLabels!, i * R + r));
  const strength = Array.from({ length: n }, (_, i) => num(arrays.nodeStrength!, i * R + r));
  const members = new Set(c.communities.flat());
  const rest = Array.from({ length: n }, (_, i) => i)
    .filter((i) => !members.has(i))
    .sort((a, b) => strength[b]! - strength[a]! || a - b);
  const order = [...c.communities.flat(), ...rest];

  // a: pair loadings, rows and columns in community order, community blocks outlined.
  // Four significant digits: the colour scale cannot show more, and it keeps a 300-cell figure near 1 MB.
  const z = order.map((i) => order.map((j) => (i === j ? null : Number(pair(pairAt(i, j, n)).toPrecision(4)))));
  const shapes: Record<string, unknown>[] = [];
  let at = 0;
  c.communities.forEach((m, k) => {
    shapes.push({
      type: 'rect',
      xref: 'x',
      yref: 'y',
      x0: at - 0.5,
      x1: at + m.length - 0.5,
      y0: at - 0.5,
      y1: at + m.length - 0.5,
      line: { color: colour(k), width: 1.5 },
    });
    at += m.length;
  });

  // b: community graph, strongest within-community edges.
  const pos = layoutOf(n, c.communities, rest, arrays.roiCenters);
  const edges: Array<[number, number, number]> = [];
  for (const m of c.communities)
    for (let a = 0; a < m.length; a++) for (let b = a + 1; b < m.length; b++) edges.push([m[a]!, m[b]!, pair(pairAt(m[a]!, m[b]!, n))]);
  edges.sort((p, q) => q[2] - p[2]);
  const ex: Array<number | null> = [];
  const ey: Array<number | null> = [];
  for (const [i, j] of edges.slice(0, MAX_EDGES)) {
    ex.push(pos.x[i]!, pos.x[j]!, null);
    ey.push(pos.y[i]!, pos.y[j]!, null);
  }
  const maxStrength = Math.max(...strength, 1e-300);

  const multi = K > 1;
  const time = Array.from({ length: W }, (_, t) => num(arrays.windowTimes!, t));
  const timeLoading = Array.from({ length: W }, (_, t) => num(arrays.timeLoadings!, t * R + r));
  const recLoading = Array.from({ length: K }, (_, k) => num(arrays.recordingLoadings!, k * R + r));

  const data: unknown[] = [
    {
      type: 'heatmap',
      z,
      x: order.map(String),
      y: order.map(String),
      xaxis: 'x',
      yaxis: 'y',
      colorscale: LOADING_SCALE,
      zmin: 0,
      showscale: true,
      colorbar: { title: { text: 'loading', side: 'right' }, thickness: 8, len: 0.5, y: 0.72, x: 0.43, outlinewidth: 0 },
      hovertemplate: 'cells %{y} × %{x}<br>loading %{z:.3g}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines',
      x: ex,
      y: ey,
      xaxis: 'x2',
      yaxis: 'y2',
      line: { color: 'rgba(0,0,0,0.22)', width: 0.6 },
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'markers',
      x: pos.x,
      y: pos.y,
      xaxis: 'x2',
      yaxis: 'y2',
      text: Array.from({ length: n }, (_, i) => `cell ${i}${label[i]! >= 0 ? `, community ${label[i]! + 1}` : ''}`),
      hovertemplate: '%{text}<extra></extra>',
      marker: {
        color: label.map(colour),
        size: strength.map((s) => 4 + 6 * Math.sqrt(Math.max(s, 0) / maxStrength)),
        line: { color: '#000000', width: 0.4 },
      },
    },
    {
      type: 'scatter',
      mode: 'lines',
      x: time,
      y: timeLoading,
      xaxis: 'x3',
      yaxis: 'y3',
      line: { color: '#000000', width: 1.2 },
      hovertemplate: '%{x:.1f} s: %{y:.3g}<extra></extra>',
    },
  ];
  if (multi) {
    data.push({
      type: 'bar',
      x: Array.from({ length: K }, (_, k) => `${k + 1}`),
      y: recLoading,
      xaxis: 'x4',
      yaxis: 'y4',
      marker: { color: '#555555' },
      hovertemplate: 'recording %{x}: %{y:.3g}<extra></extra>',
    });
  }

  const top = [0.44, 1];
  const bottom = [0, 0.27];
  const layout = paperLayout(
    `Component ${r + 1}: strength ${c.strength.toPrecision(3)}${fmtP(c.pValue)}, modularity ${c.modularity.toFixed(2)}`,
    {
      margin: { l: 48, r: 12, t: 36, b: 40 },
      xaxis: paperAxis('', { domain: [0, 0.38], showticklabels: false, ticks: '', type: 'category', anchor: 'y', showline: false }),
      yaxis: paperAxis('cell (by community)', {
        domain: top,
        showticklabels: false,
        ticks: '',
        type: 'category',
        autorange: 'reversed',
        anchor: 'x',
        scaleanchor: 'x',
        showline: false,
      }),
      xaxis2: hidden({ domain: [0.55, 1], anchor: 'y2' }),
      yaxis2: hidden({ domain: top, anchor: 'x2', scaleanchor: 'x2' }),
      xaxis3: paperAxis('time (s)', { domain: [0, multi ? 0.66 : 1], anchor: 'y3' }),
      yaxis3: paperAxis('time loading', { domain: bottom, anchor: 'x3', rangemode: 'tozero' }),
      ...(multi
        ? {
            xaxis4: paperAxis('recording', { domain: [0.78, 1], anchor: 'y4', type: 'category' }),
            yaxis4: paperAxis('loading', { domain: bottom, anchor: 'x4', rangemode: 'tozero' }),
          }
        : {}),
      shapes,
      annotations: [
        panelLabel('a', 0, 1.0),
        panelLabel('b', 0.52, 1.0),
        panelLabel('c', 0, 0.3),
        ...(multi ? [panelLabel('d', 0.74, 0.3)] : []),
        ...(pos.fromRois
          ? []
          : [
              {
                text: 'communities grouped (no ROI positions)',
                x: 0.775,
                y: 0.42,
                xref: 'paper',
                yref: 'paper',
                showarrow: false,
                font: { size: 8, color: '#555555' },
              },
            ]),
      ],
    },
  );

  const table: FigureTable = { columns: ['quantity', 'index', 'cell_i', 'cell_j', 'time_s', 'value', 'community'], rows: [] };
  for (let t = 0; t < W; t++) table.rows.push(['time loading', t, null, null, time[t]!, timeLoading[t]!, null]);
  for (let k = 0; k < K; k++) table.rows.push(['recording loading', k, null, null, null, recLoading[k]!, null]);
  for (let i = 0; i < n; i++) table.rows.push(['cell strength', i, i, null, null, strength[i]!, label[i]! >= 0 ? label[i]! + 1 : null]);
  for (let p = 0; p < P; p++) {
    const i = num(arrays.pairs!, 2 * p);
    const j = num(arrays.pairs!, 2 * p + 1);
    table.rows.push(['pair loading', p, i, j, null, pair(p), label[i] === label[j] && label[i]! >= 0 ? label[i]! + 1 : null]);
  }
  const affinity =
    params.affinity === 'pearson' ? 'positive part of the Pearson correlation' : 'cosine similarity of supra-threshold rising phases';
  return {
    key: `ntf-component-${r + 1}`,
    title: `Component ${r + 1}`,
    plot: { data, layout },
    table,
    methods:
      `Pairwise affinities (${affinity}) in windows of ${params.windowFrames} frames every ${params.stepFrames} frames formed a pairs × windows × recordings tensor, ` +
      `factorized by non-negative CP (${params.algorithm === 'hals' ? 'HALS' : 'multiplicative updates'}, rank ${R}, best of ${params.restarts} restarts). ` +
      `Communities of this component's pair loadings were found by Louvain (resolution ${params.resolution}) and kept at ≥ ${params.communityContrast}× contrast to their surroundings` +
      (nullCount > 0
        ? `; its strength (modelled affinity within its strongest community at its peak) is compared with the strongest component of ${nullCount} circular-shift surrogates.`
        : '.'),
  };
}

function rankFigure(sweep: NtfRankReport[], params: NtfConnectomeParams): FigureSpec {
  const ranks = sweep.map((s) => s.rank);
  const dots = sweep.flatMap((s) => s.errors.map((e) => [s.rank, e] as const));
  const best = sweep.map((s) => Math.min(...s.errors));
  const stable = sweep.filter((s) => s.stability !== null);
  const table: FigureTable = { columns: ['rank', 'restart', 'final_error', 'stability'], rows: [] };
  for (const s of sweep) s.errors.forEach((e, k) => table.rows.push([s.rank, k, e, s.stability]));
  return {
    key: 'ntf-rank',
    title: 'Rank selection',
    plot: {
      data: [
        {
          type: 'scatter',
          mode: 'markers',
          x: dots.map((d) => d[0]),
          y: dots.map((d) => d[1]),
          xaxis: 'x',
          yaxis: 'y',
          marker: { color: '#888888', size: 5 },
          name: 'restarts',
        },
        {
          type: 'scatter',
          mode: 'lines+markers',
          x: ranks,
          y: best,
          xaxis: 'x',
          yaxis: 'y',
          line: { color: '#000000', width: 1.2 },
          marker: { size: 5, color: '#000000' },
          name: 'best',
        },
        {
          type: 'scatter',
          mode: 'lines+markers',
          x: stable.map((s) => s.rank),
          y: stable.map((s) => s.stability),
          xaxis: 'x2',
          yaxis: 'y2',
          line: { color: '#0072B2', width: 1.2 },
          marker: { size: 5, color: '#0072B2' },
          name: 'stability',
        },
      ],
      layout: paperLayout('Error and stability versus rank', {
        margin: TWO_PANEL_MARGIN,
        xaxis: paperAxis('rank', { domain: [0, 0.44], dtick: 1, anchor: 'y' }),
        yaxis: paperAxis('relative error', { anchor: 'x' }),
        xaxis2: paperAxis('rank', { domain: [0.58, 1], dtick: 1, anchor: 'y2' }),
        yaxis2: paperAxis('stability (congruence)', { anchor: 'x2', range: [0, 1.05] }),
        annotations: [panelLabel('a', 0, 1.03), panelLabel('b', 0.52, 1.03)],
      }),
    },
    table,
    methods:
      `For each rank, ${params.restarts} fit${params.restarts > 1 ? 's' : ''} (the first from ${params.init}, the others from random factors) were run; ` +
      'stability is the mean factor congruence (product of the cosines over modes, components paired by the Hungarian algorithm) of the other restarts to the best.',
  };
}

const TWO_PANEL_MARGIN = { l: 56, r: 16, t: 52, b: 44 };

/** An axis range covering every value with 8 % padding, so marker lines at the extremes stay visible. */
function span(...groups: number[][]): [number, number] {
  const all = groups.flat();
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = 0.08 * (hi - lo || Math.abs(hi) || 1);
  return [lo - pad, hi + pad];
}

function nullFigure(components: NtfComponentReport[], maxStrength: number[], maxModularity: number[]): FigureSpec {
  const countTick = Math.max(1, Math.ceil(maxStrength.length / 8));
  const lines = (values: number[], axis: string) =>
    values.map((v, r) => ({
      type: 'line',
      xref: axis,
      yref: 'paper',
      x0: v,
      x1: v,
      y0: 0,
      y1: 0.9,
      line: { color: PALETTE[r % PALETTE.length], width: 1.5 },
    }));
  const table: FigureTable = { columns: ['kind', 'index', 'strength', 'modularity'], rows: [] };
  maxStrength.forEach((s, k) => table.rows.push(['surrogate', k, s, maxModularity[k]!]));
  components.forEach((c) => table.rows.push(['component', c.index + 1, c.strength, c.modularity]));
  return {
    key: 'ntf-null',
    title: 'Null control',
    plot: {
      data: [
        {
          type: 'histogram',
          x: maxStrength,
          xaxis: 'x',
          yaxis: 'y',
          marker: { color: '#bbbbbb', line: { color: '#000000', width: 0.5 } },
          name: 'surrogates',
        },
        {
          type: 'histogram',
          x: maxModularity,
          xaxis: 'x2',
          yaxis: 'y2',
          marker: { color: '#bbbbbb', line: { color: '#000000', width: 0.5 } },
          name: 'surrogates',
        },
      ],
      layout: paperLayout(`Components against ${maxStrength.length} circular-shift surrogates`, {
        margin: TWO_PANEL_MARGIN,
        xaxis: paperAxis('strength (peak community affinity)', {
          domain: [0, 0.44],
          anchor: 'y',
          range: span(
            maxStrength,
            components.map((c) => c.strength),
          ),
        }),
        yaxis: paperAxis('surrogates', { anchor: 'x', dtick: countTick }),
        xaxis2: paperAxis('modularity', {
          domain: [0.58, 1],
          anchor: 'y2',
          range: span(
            maxModularity,
            components.map((c) => c.modularity),
          ),
        }),
        yaxis2: paperAxis('surrogates', { anchor: 'x2', dtick: countTick }),
        shapes: [
          ...lines(
            components.map((c) => c.strength),
            'x',
          ),
          ...lines(
            components.map((c) => c.modularity),
            'x2',
          ),
        ],
        annotations: [
          panelLabel('a', 0, 1.03),
          panelLabel('b', 0.52, 1.03),
          // Staggered so labels of nearby components do not overprint.
          ...components.map((c, k) => ({
            text: `C${c.index + 1}`,
            x: c.strength,
            y: 0.93 - 0.06 * (k % 3),
            xref: 'x',
            yref: 'paper',
            showarrow: false,
            font: { size: 9, color: PALETTE[c.index % PALETTE.length] },
          })),
        ],
      }),
    },
    table,
    methods:
      'Each surrogate circularly shifted every neuron’s trace by its own random offset and reran the pipeline; histograms show the strongest surrogate component’s strength (a) and the largest modularity (b), coloured lines the real components.',
  };
}

export function ntfFigures(result: AnalysisResult, params: NtfConnectomeParams): FigureSpec[] {
  const report = result.report as {
    components: NtfComponentReport[];
    rankSweep: NtfRankReport[];
    null: { maxStrength: number[]; maxModularity: number[] } | null;
  };
  const nullCount = report.null?.maxStrength.length ?? 0;
  const figures = report.components.map((c) => componentFigure(result, params, c, nullCount));
  figures.push(rankFigure(report.rankSweep, params));
  if (report.null) figures.push(nullFigure(report.components, report.null.maxStrength, report.null.maxModularity));
  return figures;
}
