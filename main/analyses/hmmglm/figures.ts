/**
 * The HMM-GLM's default figures, print-styled: states over the raster, transition matrix, coupling
 * matrices per state, connection-type map, per-state firing rates, covariate weights per state
 * (when the model has external covariates), objective per EM iteration,
 * held-out bits/spike against the number of states, and the null distribution of the gain.
 */
import type { HmmGlmParams } from '../../../shared/analyses/hmm-glm.js';
import type { FigureSpec } from '../../../shared/domain/figure.js';
import type { NdArray } from '../../../shared/domain/ndarray.js';
import { DIVERGING, paperAxis, paperLayout } from '../../../shared/figures/style.js';
import type { AnalysisResult } from '../types.js';

/** Okabe–Ito: distinguishable for colour-blind readers and in greyscale print. */
export const STATE_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999', '#7B3294'];
const TYPE_COLOURS: Array<[number, string]> = [
  [0, '#2166ac'],
  [0.333, '#2166ac'],
  [0.333, '#f0f0f0'],
  [0.667, '#f0f0f0'],
  [0.667, '#b2182b'],
  [1, '#b2182b'],
];

interface Report {
  model: {
    states: number;
    neurons: number;
    bins: number;
    binSeconds: number | null;
    labels: string[];
    basis: { kind: string; length: number; functions: number };
    link: string;
  };
  objectivePerIteration: number[];
  bestRestart: number;
  restarts: Array<{ restart: number; objectivePerIteration: number[] }>;
  heldOut: { bitsPerSpike: { oneState: number | null; model: number | null }; gainOverOneState: number | null };
  stateSelection: { folds: number; candidates: Array<{ states: number; bitsPerSpike: number | null }>; chosen: number } | null;
  nullControl: { surrogates: number; observedGain?: number | null; nullGains?: number[]; pValue?: number | null };
  raster: { columns: number; binsPerColumn: number };
  covariates: {
    names: string[];
    weights: 'per-state' | 'shared';
    terms: string[];
    standardisation: { mean: number[]; sd: number[] };
  } | null;
}

function matrix(a: NdArray, offset = 0, rows = a.shape[a.shape.length - 2]!, cols = a.shape[a.shape.length - 1]!): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Number(a.data[offset + i * cols + j])));
}

const round = (v: number, digits = 4) => Number(v.toPrecision(digits));

function priorWords(params: HmmGlmParams): string {
  return params.prior === 'none'
    ? 'no connectivity prior'
    : params.prior === 'gaussian'
      ? 'a Gaussian prior with learned shared mean and variance'
      : 'a one-hot prior with a learned categorical type prior';
}

function methodsModel(params: HmmGlmParams, r: Report): string {
  const basis =
    params.basis === 'exponential'
      ? `an exponential history filter of ${params.basisLength} bins`
      : `${params.basisCount} ${params.basis === 'raised-cosine-log' ? 'log-stretched ' : ''}raised-cosine functions over ${params.basisLength} bins`;
  const bin = r.model.binSeconds ? `${r.model.binSeconds * 1000} ms bins` : 'bins';
  const covariates = r.covariates
    ? `, ${r.covariates.names.length} external covariate${r.covariates.names.length === 1 ? '' : 's'} with ${r.covariates.weights === 'shared' ? 'weights shared by all states' : 'per-state weights'}${r.covariates.terms.length > 1 ? ' and history' : ''}`
    : '';
  return `A ${r.model.states}-state Poisson HMM-GLM (${params.link} link, ${basis}, ${priorWords(params)}${covariates}) was fitted to ${r.model.neurons} neurons in ${bin} by log-space EM (best of ${params.restarts} restarts from the one-state GLM).`;
}

function statesFigure(result: AnalysisResult, params: HmmGlmParams, r: Report): FigureSpec {
  const raster = result.arrays.raster!;
  const posterior = result.arrays.posterior!;
  const path = result.arrays.viterbi!;
  const [n, cols] = raster.shape as [number, number];
  const [t, k] = posterior.shape as [number, number];
  const scale = r.model.binSeconds ?? 1;
  const x = Array.from({ length: cols }, (_, c) => round(((c + 0.5) * t * scale) / cols, 6));
  const post = Array.from({ length: k }, () => new Array<number>(cols).fill(0));
  const votes = Array.from({ length: cols }, () => new Array<number>(k).fill(0));
  for (let row = 0; row < t; row++) {
    const c = Math.min(cols - 1, Math.floor((row * cols) / t));
    for (let j = 0; j < k; j++) post[j]![c] += Number(posterior.data[row * k + j]);
    votes[c]![Number(path.data[row])]++;
  }
  const perCol = t / cols;
  const mode = votes.map((v) => v.indexOf(Math.max(...v)));
  const timeTitle = r.model.binSeconds ? 'time (s)' : 'bin';
  const data: unknown[] = [
    {
      type: 'heatmap',
      x,
      z: matrix(raster),
      colorscale: [
        [0, '#ffffff'],
        [1, '#000000'],
      ],
      showscale: false,
      xaxis: 'x',
      yaxis: 'y',
      hovertemplate: `neuron %{y}<br>${timeTitle} %{x}<br>%{z:.2f} spikes/bin<extra></extra>`,
    },
    {
      type: 'heatmap',
      x,
      z: [mode],
      zmin: -0.5,
      zmax: STATE_COLOURS.length - 0.5,
      colorscale: STATE_COLOURS.flatMap((c, i) => [
        [i / STATE_COLOURS.length, c],
        [(i + 1) / STATE_COLOURS.length, c],
      ]),
      showscale: false,
      xaxis: 'x',
      yaxis: 'y2',
      hovertemplate: `${timeTitle} %{x}<br>Viterbi state %{z}<extra></extra>`,
    },
    // Stacked: the posteriors sum to 1 in every column, so each band's height is its state's probability.
    ...post.map((vals, j) => ({
      type: 'scatter',
      mode: 'lines',
      stackgroup: 'posterior',
      x,
      y: vals.map((v) => round(v / perCol)),
      name: `state ${j}`,
      line: { color: STATE_COLOURS[j % STATE_COLOURS.length], width: 0.5 },
      fillcolor: STATE_COLOURS[j % STATE_COLOURS.length],
      xaxis: 'x',
      yaxis: 'y3',
      hovertemplate: `state ${j}: %{y:.3f}<extra></extra>`,
    })),
  ];
  const table = {
    columns: ['time', 'viterbi_state', ...post.map((_, j) => `p_state_${j}`)],
    rows: x.map((v, c) => [v, mode[c]!, ...post.map((p) => round(p[c]! / perCol))]),
  };
  return {
    key: 'hmmglm-states',
    title: 'Hidden states over the raster',
    plot: {
      data,
      layout: paperLayout('Hidden states over the raster', {
        showlegend: true,
        legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.06, font: { size: 9 }, traceorder: 'normal' },
        xaxis: paperAxis(timeTitle, { anchor: 'y3' }),
        yaxis: paperAxis('neuron', { domain: [0.42, 1], autorange: 'reversed', range: [n - 0.5, -0.5], showticklabels: n <= 40 }),
        yaxis2: paperAxis('', {
          domain: [0.33, 0.39],
          showticklabels: false,
          ticks: '',
          showline: false,
          title: { text: 'state', font: { size: 9 } },
        }),
        yaxis3: paperAxis('P(state)', { domain: [0, 0.3], range: [0, 1.02] }),
      }),
    },
    table,
    methods: `${methodsModel(params, r)} Top: spike counts per neuron (mean per bin in each of ${cols} columns); middle: Viterbi path (most frequent state per column); bottom: posterior state probabilities from forward–backward (stacked; mean per column).`,
  };
}

function transitionFigure(result: AnalysisResult, params: HmmGlmParams, r: Report): FigureSpec {
  const z = matrix(result.arrays.transition!);
  const k = z.length;
  const labels = z.map((_, i) => `state ${i}`);
  return {
    key: 'hmmglm-transition',
    title: 'Transition matrix',
    plot: {
      data: [
        {
          type: 'heatmap',
          x: labels,
          y: labels,
          z,
          zmin: 0,
          zmax: 1,
          colorscale: [
            [0, '#ffffff'],
            [1, '#252525'],
          ],
          texttemplate: '%{z:.3f}',
          textfont: { size: 10 },
          colorbar: { title: { text: 'P', side: 'right' }, thickness: 10, len: 0.9, outlinewidth: 0 },
          hovertemplate: 'from %{y} to %{x}: %{z:.4f}<extra></extra>',
        },
      ],
      layout: paperLayout('Transition matrix', {
        xaxis: paperAxis('to', { constrain: 'domain' }),
        yaxis: paperAxis('from', { autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' }),
      }),
    },
    table: { columns: ['from', 'to', 'probability'], rows: z.flatMap((row, i) => row.map((v, j) => [i, j, v])) },
    methods: `${methodsModel(params, r)} Transition probabilities are MAP estimates under a sticky Dirichlet prior (κ = ${params.stickiness}, α = ${params.transitionConcentration}) over ${k} states.`,
  };
}

/** The colour limit of coupling maps: the largest |off-diagonal| coupling (self-history, often far stronger, may saturate). */
export function offDiagonalMax(c: NdArray, k: number, n: number): number {
  let max = 0;
  for (let s = 0; s < k; s++)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) max = Math.max(max, Math.abs(Number(c.data[(s * n + i) * n + j])));
  return max || 1;
}

/** Side-by-side panels (one x/y axis pair each) sharing a colour scale. */
function panels(count: number, gap = 0.04): Array<[number, number]> {
  const w = (1 - gap * (count - 1)) / count;
  return Array.from({ length: count }, (_, i) => [i * (w + gap), i * (w + gap) + w]);
}

function couplingFigure(result: AnalysisResult, params: HmmGlmParams, r: Report): FigureSpec {
  const c = result.arrays.coupling!;
  const [k, n] = c.shape as [number, number, number];
  const max = offDiagonalMax(c, k, n);
  const domains = panels(k);
  const data: unknown[] = [];
  const layout: Record<string, unknown> = {};
  const rows: Array<Array<number>> = [];
  for (let s = 0; s < k; s++) {
    const z = matrix(c, s * n * n, n, n);
    z.forEach((row, i) => row.forEach((v, j) => rows.push([s, i, j, v])));
    const suffix = s === 0 ? '' : String(s + 1);
    data.push({
      type: 'heatmap',
      z,
      zmin: -max,
      zmax: max,
      zmid: 0,
      colorscale: DIVERGING,
      showscale: s === k - 1,
      colorbar: { title: { text: 'net coupling', side: 'right' }, thickness: 10, len: 0.9, outlinewidth: 0 },
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      hovertemplate: `state ${s}<br>target %{y} ← source %{x}<br>%{z:.3f}<extra></extra>`,
    });
    layout[`xaxis${suffix}`] = paperAxis(`source · state ${s}`, { domain: domains[s], anchor: `y${suffix}`, constrain: 'domain' });
    layout[`yaxis${suffix}`] = paperAxis(s === 0 ? 'target neuron' : '', {
      anchor: `x${suffix}`,
      autorange: 'reversed',
      scaleanchor: `x${suffix}`,
      constrain: 'domain',
      showticklabels: s === 0,
    });
  }
  return {
    key: 'hmmglm-coupling',
    title: 'Coupling matrices per state',
    plot: { data, layout: paperLayout('Coupling matrices per state', layout) },
    table: { columns: ['state', 'target', 'source', 'net_coupling'], rows },
    methods: `${methodsModel(params, r)} Net coupling = Σ_j w_j·Σ_l φ_j(l), the summed effect of one spike of the source on the target's log-rate (exp link) over the history window; the diagonal is each neuron's self-history (the colour scale spans the largest off-diagonal coupling, so the diagonal may saturate).`,
  };
}

function typesFigure(result: AnalysisResult, params: HmmGlmParams, r: Report): FigureSpec {
  const types = result.arrays.connectionTypes!;
  const z = matrix(types).map((row, i) => row.map((v, j) => (i === j && params.selfCoupling !== 'prior' ? null : v)));
  const source =
    params.prior === 'onehot'
      ? 'the most probable type under the learned one-hot prior shared across states'
      : `the state-averaged net coupling thresholded at ±${params.typeThreshold}`;
  return {
    key: 'hmmglm-types',
    title: 'Connection types',
    plot: {
      data: [
        {
          type: 'heatmap',
          z,
          zmin: -1,
          zmax: 1,
          colorscale: TYPE_COLOURS,
          colorbar: { tickvals: [-0.67, 0, 0.67], ticktext: ['inh', 'none', 'exc'], thickness: 10, len: 0.6, outlinewidth: 0 },
          hovertemplate: 'target %{y} ← source %{x}: %{z}<extra></extra>',
          xgap: 1,
          ygap: 1,
        },
      ],
      layout: paperLayout('Connection types', {
        xaxis: paperAxis('source neuron', { constrain: 'domain' }),
        yaxis: paperAxis('target neuron', { autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' }),
      }),
    },
    table: {
      columns: ['target', 'source', 'type'],
      rows: z.flatMap((row, i) => row.map((v, j) => [i, j, v === null ? 'self' : v < 0 ? 'inh' : v > 0 ? 'exc' : 'none'])),
    },
    methods: `${methodsModel(params, r)} Connection types (inhibitory, none, excitatory) are ${source}.`,
  };
}

function ratesFigure(result: AnalysisResult, params: HmmGlmParams, r: Report): FigureSpec {
  const rates = result.arrays.rates!;
  const [k, n] = rates.shape as [number, number];
  const unit = r.model.binSeconds ? 'spikes/s' : 'spikes/bin';
  const neurons = Array.from({ length: n }, (_, i) => i);
  return {
    key: 'hmmglm-rates',
    title: 'Firing rate per state',
    plot: {
      data: Array.from({ length: k }, (_, s) => ({
        type: 'bar',
        x: neurons,
        y: neurons.map((i) => round(Number(rates.data[s * n + i]))),
        name: `state ${s}`,
        marker: { color: STATE_COLOURS[s % STATE_COLOURS.length] },
        hovertemplate: `state ${s}, neuron %{x}: %{y} ${unit}<extra></extra>`,
      })),
      layout: paperLayout('Firing rate per state', {
        barmode: 'group',
        bargap: 0.25,
        showlegend: true,
        legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.08, font: { size: 9 } },
        xaxis: paperAxis('neuron', { dtick: n <= 30 ? 1 : undefined }),
        yaxis: paperAxis(`rate (${unit})`),
      }),
    },
    table: {
      columns: ['state', 'neuron', unit.replace('/', '_per_')],
      rows: Array.from({ length: k * n }, (_, q) => [Math.floor(q / n), q % n, Number(rates.data[q])]),
    },
    methods: `${methodsModel(params, r)} Rates are the posterior-weighted mean spike counts of each neuron in each state.`,
  };
}

function objectiveFigure(params: HmmGlmParams, r: Report): FigureSpec {
  const data = r.restarts.map((run) => ({
    type: 'scatter',
    mode: 'lines+markers',
    x: run.objectivePerIteration.map((_, i) => i),
    y: run.objectivePerIteration,
    name: `restart ${run.restart}${run.restart === r.bestRestart ? ' (best)' : ''}`,
    line: { color: run.restart === r.bestRestart ? '#000000' : '#aaaaaa', width: run.restart === r.bestRestart ? 1.5 : 1 },
    marker: { size: 3 },
    hovertemplate: `restart ${run.restart}, iteration %{x}: %{y:.2f}<extra></extra>`,
  }));
  return {
    key: 'hmmglm-objective',
    title: 'Log posterior per EM iteration',
    plot: {
      data,
      layout: paperLayout('Log posterior per EM iteration', {
        showlegend: r.restarts.length > 1,
        legend: { x: 1, xanchor: 'right', y: 0.02, yanchor: 'bottom', font: { size: 9 } },
        xaxis: paperAxis('EM iteration'),
        yaxis: paperAxis('log-likelihood + log prior'),
      }),
    },
    table: {
      columns: ['restart', 'iteration', 'objective'],
      rows: r.restarts.flatMap((run) => run.objectivePerIteration.map((v, i) => [run.restart, i, v])),
    },
    methods: `${methodsModel(params, r)} The objective is the training log-likelihood plus the log prior (up to constants), which EM does not decrease.`,
  };
}

function selectionFigure(params: HmmGlmParams, r: Report): FigureSpec {
  const data: unknown[] = [];
  const rows: Array<Array<number | string | null>> = [];
  if (r.stateSelection) {
    const c = r.stateSelection.candidates;
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      x: c.map((v) => v.states),
      y: c.map((v) => v.bitsPerSpike),
      name: `${r.stateSelection.folds}-fold cross-validation`,
      line: { color: '#000000', width: 1 },
      marker: { size: 6 },
    });
    c.forEach((v) => rows.push(['cross-validation', v.states, v.bitsPerSpike]));
  }
  const held = [
    [1, r.heldOut.bitsPerSpike.oneState],
    ...(r.model.states > 1 ? [[r.model.states, r.heldOut.bitsPerSpike.model]] : []),
  ] as Array<[number, number | null]>;
  data.push({
    type: 'scatter',
    mode: 'markers',
    x: held.map((h) => h[0]),
    y: held.map((h) => h[1]),
    name: 'held-out part',
    marker: { size: 8, symbol: 'diamond-open', color: STATE_COLOURS[0] },
  });
  held.forEach(([k, v]) => rows.push(['held-out', k, v]));
  return {
    key: 'hmmglm-selection',
    title: 'Held-out bits/spike vs number of states',
    plot: {
      data,
      layout: paperLayout('Held-out bits/spike vs number of states', {
        showlegend: true,
        legend: { x: 0.02, y: 0.98, font: { size: 9 } },
        xaxis: paperAxis('states', { dtick: 1, range: [0.5, Math.max(r.model.states, r.stateSelection?.candidates.length ?? 1) + 0.5] }),
        yaxis: paperAxis('bits/spike over homogeneous Poisson'),
      }),
    },
    table: { columns: ['score', 'states', 'bits_per_spike'], rows },
    methods: `${methodsModel(params, r)} Bits/spike = (log-likelihood − log-likelihood of a homogeneous Poisson model per neuron) / (spikes · ln 2) on bins left out of the fit (the last ${Math.round(params.heldOutFraction * 100)} % of each sequence${r.stateSelection ? `; cross-validation used ${r.stateSelection.folds} contiguous folds of the training part` : ''}).`,
  };
}

function nullFigure(params: HmmGlmParams, r: Report): FigureSpec | null {
  const gains = r.nullControl.nullGains;
  if (!gains || gains.length === 0 || r.nullControl.observedGain == null) return null;
  const observed = r.nullControl.observedGain;
  return {
    key: 'hmmglm-null',
    title: 'Gain over one state against the shift null',
    plot: {
      data: [
        {
          type: 'histogram',
          x: gains,
          nbinsx: Math.max(5, Math.min(30, Math.round(gains.length / 2))),
          name: 'circular-shift surrogates',
          marker: { color: '#bbbbbb', line: { color: '#555555', width: 0.5 } },
        },
        {
          type: 'scatter',
          mode: 'lines',
          x: [observed, observed],
          y: [0, 1],
          yaxis: 'y2',
          name: 'observed',
          line: { color: '#b2182b', width: 2 },
        },
      ],
      layout: paperLayout('Gain over one state against the shift null', {
        showlegend: true,
        legend: { x: 0.02, y: 0.98, font: { size: 9 } },
        xaxis: paperAxis('held-out bits/spike gain over one state'),
        yaxis: paperAxis('surrogates'),
        yaxis2: { overlaying: 'y', range: [0, 1], visible: false },
        annotations: [
          {
            x: observed,
            y: 1,
            yref: 'paper',
            text: `p = ${r.nullControl.pValue?.toPrecision(2)}`,
            showarrow: false,
            xanchor: 'left',
            font: { size: 10 },
          },
        ],
      }),
    },
    table: { columns: ['kind', 'gain'], rows: [['observed', observed], ...gains.map((g) => ['surrogate', g] as [string, number])] },
    methods: `${methodsModel(params, r)} The null distribution comes from ${gains.length} refits on spike trains circularly shifted per neuron (independent seeded offsets); p = (1 + #{null ≥ observed}) / (1 + ${gains.length}).`,
  };
}

/** One panel per covariate term: each neuron's weight in every state, the one-state GLM's as black ticks. */
function covariatesFigure(result: AnalysisResult, params: HmmGlmParams, r: Report): FigureSpec | null {
  const cov = r.covariates;
  const weights = result.arrays.covariateWeights;
  const one = result.arrays.oneStateCovariateWeights;
  if (!cov || !weights || !one) return null;
  const [k, n, c, l] = weights.shape as [number, number, number, number];
  const labels = Array.from({ length: c * l }, (_, q) => {
    const name = cov.names[Math.floor(q / l)]!;
    return q % l === 0 ? name : `${name}, history ${q % l}`;
  });
  const perRow = Math.min(3, labels.length);
  const rowsOf = Math.ceil(labels.length / perRow);
  const columns = panels(perRow, 0.08);
  const rowGap = 0.12;
  const height = (1 - rowGap * (rowsOf - 1)) / rowsOf;
  const neurons = Array.from({ length: n }, (_, i) => i);
  const data: unknown[] = [];
  const layout: Record<string, unknown> = {};
  const rows: Array<Array<number | string>> = [];
  labels.forEach((label, q) => {
    const suffix = q === 0 ? '' : String(q + 1);
    const row = Math.floor(q / perRow);
    const y0 = 1 - row * (height + rowGap) - height;
    for (let s = 0; s < k; s++) {
      const y = neurons.map((i) => round(Number(weights.data[(s * n + i) * c * l + q])));
      y.forEach((v, i) => rows.push([s, i, cov.names[Math.floor(q / l)]!, q % l, v]));
      data.push({
        type: 'scatter',
        mode: 'markers',
        x: neurons,
        y,
        name: cov.weights === 'shared' ? 'all states' : `state ${s}`,
        legendgroup: `state ${s}`,
        showlegend: q === 0 && (cov.weights === 'per-state' || s === 0),
        marker: { color: STATE_COLOURS[s % STATE_COLOURS.length], size: n > 40 ? 4 : 6 },
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        hovertemplate: `${label}<br>state ${s}, neuron %{x}: %{y:.3f}<extra></extra>`,
      });
      if (cov.weights === 'shared') break;
    }
    data.push({
      type: 'scatter',
      mode: 'markers',
      x: neurons,
      y: neurons.map((i) => round(Number(one.data[i * c * l + q]))),
      name: 'one-state GLM',
      legendgroup: 'one',
      showlegend: q === 0,
      marker: { symbol: 'line-ew-open', color: '#000000', size: n > 40 ? 5 : 9, line: { width: 1.2 } },
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      hovertemplate: `${label}<br>one-state GLM, neuron %{x}: %{y:.3f}<extra></extra>`,
    });
    layout[`xaxis${suffix}`] = paperAxis(row === rowsOf - 1 || q + perRow >= labels.length ? 'neuron' : '', {
      domain: columns[q % perRow],
      anchor: `y${suffix}`,
      dtick: n <= 20 ? 1 : undefined,
      range: [-0.7, n - 0.3],
    });
    // One scale for every panel, so a covariate's weights read against the others'.
    layout[`yaxis${suffix}`] = paperAxis(q % perRow === 0 ? 'weight (per SD)' : '', {
      domain: [y0, y0 + height],
      anchor: `x${suffix}`,
      matches: q === 0 ? undefined : 'y',
      zeroline: true,
      zerolinecolor: '#bbbbbb',
      zerolinewidth: 1,
    });
  });
  const annotations = labels.map((label, q) => ({
    text: label,
    xref: `x${q === 0 ? '' : q + 1} domain`,
    yref: `y${q === 0 ? '' : q + 1} domain`,
    x: 0.02,
    y: 1,
    xanchor: 'left',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 10 },
  }));
  const scale = cov.names
    .map((name, q) => `${name}: mean ${round(cov.standardisation.mean[q]!)}, SD ${round(cov.standardisation.sd[q]!)}`)
    .join('; ');
  return {
    key: 'hmmglm-covariates',
    title: 'Covariate weights per state',
    plot: {
      data,
      layout: paperLayout('Covariate weights per state', {
        ...layout,
        annotations,
        showlegend: true,
        legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.1, font: { size: 9 } },
      }),
    },
    table: { columns: ['state', 'neuron', 'covariate', 'term', 'weight_per_sd'], rows },
    methods: `${methodsModel(params, r)} Weights are the change in ${params.link === 'exp' ? 'log-rate' : 'the rate’s linear predictor'} per standard deviation of each covariate, averaged over every spike bin and standardised over the training bins (${scale})${l > 1 ? '; history terms weight the covariate’s past through the history basis' : ''}. The one-state GLM (black ticks), the reference for the gain over one state, was fitted with the same covariates.`,
  };
}

export function hmmGlmFigures(result: AnalysisResult, params: HmmGlmParams): FigureSpec[] {
  const r = result.report as unknown as Report;
  const figures = [
    statesFigure(result, params, r),
    transitionFigure(result, params, r),
    couplingFigure(result, params, r),
    typesFigure(result, params, r),
    ratesFigure(result, params, r),
    covariatesFigure(result, params, r),
    objectiveFigure(params, r),
    selectionFigure(params, r),
    nullFigure(params, r),
  ];
  return figures.filter((f): f is FigureSpec => f !== null);
}
