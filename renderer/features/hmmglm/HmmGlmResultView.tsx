/**
 * The HMM-GLM run's interactive view: the fit in numbers (held-out bits/spike, gain over one state
 * and its null p-value, convergence), the hidden states over the raster (zoomable, posterior per
 * state and the Viterbi path), and one state at a time: its coupling matrix, its connection types,
 * its firing rates and its covariate weights (when the model has covariates), with the transition
 * matrix beside them.
 */
import { Box, Paper, Table, TableBody, TableCell, TableRow, ToggleButton, ToggleButtonGroup, Typography, useTheme } from '@mui/material';
import { useMemo, useState } from 'react';
import type { NdArray } from '../../../shared/domain/ndarray';
import type { Run } from '../../../shared/domain/project';
import { DIVERGING } from '../../../shared/figures/style';
import { useQuery } from '../../api/hooks';
import { formatNumber } from '../../app/format';
import { Plot } from '../../plots/Plot';

/** Okabe–Ito, as the stored figures colour the states. */
const STATE_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#7f7f7f', '#999999', '#7B3294'];
const MAX_COLUMNS = 2000;
const cell = { py: 0.25, px: 0.75, border: 0, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

interface Report {
  model?: { binSeconds: number | null; labels: string[] };
  heldOut?: { bitsPerSpike: { oneState: number | null; model: number | null }; gainOverOneState: number | null };
  nullControl?: { surrogates: number; pValue?: number | null };
  stopReason?: string;
  raster?: { columns: number };
  covariates?: { names: string[]; weights: 'per-state' | 'shared'; terms: string[] } | null;
}

function useArray(run: Run, name: string): NdArray | undefined {
  const has = run.arrays.some((a) => a.name === name);
  return useQuery('runs.array', has ? { id: run.id, name } : null).data;
}

function rows(a: NdArray, offset: number, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => Number(a.data[offset + i * c + j])));
}

/** Posterior means and the most frequent Viterbi state in at most MAX_COLUMNS time columns. */
function decimateStates(posterior: NdArray, path: NdArray) {
  const [t, k] = posterior.shape as [number, number];
  const cols = Math.min(t, MAX_COLUMNS);
  const post = Array.from({ length: k }, () => new Float64Array(cols));
  const votes = new Float64Array(cols * k);
  const counts = new Float64Array(cols);
  for (let r = 0; r < t; r++) {
    const c = Math.min(cols - 1, Math.floor((r * cols) / t));
    counts[c]++;
    for (let j = 0; j < k; j++) post[j]![c] += Number(posterior.data[r * k + j]);
    votes[c * k + Number(path.data[r])]++;
  }
  const mode = Array.from({ length: cols }, (_, c) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (votes[c * k + j]! > votes[c * k + best]!) best = j;
    return best;
  });
  return { cols, post: post.map((p) => Array.from(p, (v, c) => v / counts[c]!)), mode, t };
}

function Summary({ run }: { run: Run }) {
  const r = run.report as Report;
  const m = run.metrics;
  const entries: Array<[string, unknown]> = [
    ['states', m.states],
    ['held-out bits/spike', r.heldOut?.bitsPerSpike.model],
    ['one-state bits/spike', r.heldOut?.bitsPerSpike.oneState],
    ['gain over one state', r.heldOut?.gainOverOneState],
    ['null p-value', r.nullControl?.surrogates ? `${formatNumber(r.nullControl.pValue)} (${r.nullControl.surrogates} surrogates)` : '—'],
    ['EM iterations', `${formatNumber(m.iterations)}${m.converged ? ', converged' : ''}`],
    ['restarts converged', m.restartsConverged],
    ['M-step', m.solver],
  ];
  if (r.covariates) {
    entries.push(['covariates', `${r.covariates.names.join(', ')}${r.covariates.weights === 'shared' ? ' (shared weights)' : ''}`]);
  }
  return (
    <Box data-testid="hmmglm-summary" sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 3, rowGap: 0.5 }}>
      {entries.map(([k, v]) => (
        <Box key={k}>
          <Typography variant="caption" color="text.secondary" component="div">
            {k}
          </Typography>
          <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums' }}>
            {typeof v === 'string' ? v : formatNumber(v)}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

function StatesPlot({ run, posterior, path, raster }: { run: Run; posterior: NdArray; path: NdArray; raster: NdArray }) {
  const theme = useTheme();
  const r = run.report as Report;
  const spec = useMemo(() => {
    const d = decimateStates(posterior, path);
    const [n, rc] = raster.shape as [number, number];
    const scale = r.model?.binSeconds ?? 1;
    const unit = r.model?.binSeconds ? 'time (s)' : 'bin';
    const x = Array.from({ length: d.cols }, (_, c) => ((c + 0.5) * d.t * scale) / d.cols);
    const rx = Array.from({ length: rc }, (_, c) => ((c + 0.5) * d.t * scale) / rc);
    const k = d.post.length;
    return {
      data: [
        {
          type: 'heatmap',
          x: rx,
          z: rows(raster, 0, n, rc),
          colorscale: [
            [0, 'rgba(0,0,0,0)'],
            [1, theme.palette.text.primary],
          ],
          showscale: false,
          yaxis: 'y',
          hovertemplate: `neuron %{y}<br>${unit} %{x:.2f}<br>%{z:.2f} spikes/bin<extra></extra>`,
        },
        {
          type: 'heatmap',
          x,
          z: [d.mode],
          zmin: -0.5,
          zmax: STATE_COLOURS.length - 0.5,
          colorscale: STATE_COLOURS.flatMap((c, i) => [
            [i / STATE_COLOURS.length, c],
            [(i + 1) / STATE_COLOURS.length, c],
          ]),
          showscale: false,
          yaxis: 'y2',
          hovertemplate: `${unit} %{x:.2f}: Viterbi state %{z}<extra></extra>`,
        },
        ...d.post.map((p, j) => ({
          type: 'scatter',
          mode: 'lines',
          stackgroup: 'posterior',
          x,
          y: p,
          name: `state ${j}`,
          line: { color: STATE_COLOURS[j % STATE_COLOURS.length], width: 0.5 },
          fillcolor: STATE_COLOURS[j % STATE_COLOURS.length],
          yaxis: 'y3',
          hovertemplate: `state ${j}: %{y:.3f}<extra></extra>`,
        })),
      ],
      layout: {
        showlegend: k > 1,
        legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.08, traceorder: 'normal' },
        margin: { l: 56, r: 16, t: 24, b: 40 },
        xaxis: { title: { text: unit }, anchor: 'y3' },
        yaxis: { title: { text: 'neuron' }, domain: [0.42, 1], autorange: 'reversed' },
        yaxis2: { domain: [0.34, 0.39], showticklabels: false, fixedrange: true },
        yaxis3: { title: { text: 'P(state)' }, domain: [0, 0.3], range: [0, 1.02], fixedrange: true },
      },
    };
  }, [posterior, path, raster, r.model?.binSeconds, theme.palette.text.primary]);
  return <Plot spec={spec} height={380} testId="plot-hmmglm-states-view" />;
}

/** Each neuron's covariate weights (per SD of the covariate) in one state: one bar group per neuron, one bar per covariate term. */
function CovariatePlot({ run, state, weights }: { run: Run; state: number; weights: NdArray }) {
  const [, n, c, l] = weights.shape as [number, number, number, number];
  const r = run.report as Report;
  const labels = r.model?.labels ?? Array.from({ length: n }, (_, i) => String(i));
  const names = r.covariates?.names ?? Array.from({ length: c }, (_, i) => `covariate ${i}`);
  const shared = r.covariates?.weights === 'shared';
  const spec = {
    data: Array.from({ length: c * l }, (_, q) => {
      const name = names[Math.floor(q / l)]!;
      const label = q % l === 0 ? name : `${name}, history ${q % l}`;
      return {
        type: 'bar',
        x: labels,
        y: Array.from({ length: n }, (_, i) => Number(weights.data[(state * n + i) * c * l + q])),
        name: label,
        hovertemplate: `${label}, %{x}: %{y:.3f}<extra></extra>`,
      };
    }),
    layout: {
      title: { text: `covariate weights, ${shared ? 'all states' : `state ${state}`}`, font: { size: 12 } },
      barmode: 'group',
      showlegend: c * l > 1,
      // Below the neuron labels, clear of them: the rates plot above names the axis.
      legend: { orientation: 'h', x: 0, y: -0.18, yanchor: 'top' },
      margin: { l: 56, r: 16, t: 28, b: c * l > 1 ? 64 : 32 },
      xaxis: { type: 'category' },
      yaxis: { title: { text: 'weight per SD' }, zeroline: true },
    },
  };
  return <Plot spec={spec} height={c * l > 1 ? 250 : 220} testId="plot-hmmglm-covariates-view" />;
}

function StatePanel({
  run,
  state,
  coupling,
  types,
  rates,
  transition,
  covariates,
}: {
  run: Run;
  state: number;
  coupling: NdArray;
  types: NdArray;
  rates: NdArray;
  transition: NdArray;
  covariates?: NdArray;
}) {
  const [k, n] = coupling.shape as [number, number, number];
  const r = run.report as Report;
  const labels = r.model?.labels ?? Array.from({ length: n }, (_, i) => String(i));
  const unit = r.model?.binSeconds ? 'spikes/s' : 'spikes/bin';
  // The largest off-diagonal coupling sets the scale: self-history, often far stronger, saturates.
  let max = 0;
  for (let s = 0; s < k; s++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (i !== j) max = Math.max(max, Math.abs(Number(coupling.data[(s * n + i) * n + j])));
  const couplingSpec = {
    data: [
      {
        type: 'heatmap',
        z: rows(coupling, state * n * n, n, n),
        zmin: -(max || 1),
        zmax: max || 1,
        colorscale: DIVERGING,
        colorbar: { title: { text: 'net', side: 'right' }, thickness: 8 },
        hovertemplate: 'target %{y} ← source %{x}: %{z:.3f}<extra></extra>',
      },
    ],
    layout: {
      title: { text: `coupling, state ${state}`, font: { size: 12 } },
      xaxis: { title: { text: 'source' }, constrain: 'domain' },
      yaxis: { title: { text: 'target' }, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' },
    },
  };
  const typeSpec = {
    data: [
      {
        type: 'heatmap',
        z: rows(types, state * n * n, n, n),
        zmin: -1,
        zmax: 1,
        colorscale: [
          [0, '#2166ac'],
          [0.333, '#2166ac'],
          [0.333, '#d9d9d9'],
          [0.667, '#d9d9d9'],
          [0.667, '#b2182b'],
          [1, '#b2182b'],
        ],
        colorbar: { tickvals: [-0.67, 0, 0.67], ticktext: ['inh', 'none', 'exc'], thickness: 8 },
        xgap: 1,
        ygap: 1,
        hovertemplate: 'target %{y} ← source %{x}: %{z}<extra></extra>',
      },
    ],
    layout: {
      title: { text: `connection types, state ${state}`, font: { size: 12 } },
      xaxis: { title: { text: 'source' }, constrain: 'domain' },
      yaxis: { title: { text: 'target' }, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' },
    },
  };
  const rateSpec = {
    data: [
      {
        type: 'bar',
        x: labels,
        y: Array.from({ length: n }, (_, i) => Number(rates.data[state * n + i])),
        marker: { color: STATE_COLOURS[state % STATE_COLOURS.length] },
        hovertemplate: `%{x}: %{y:.3f} ${unit}<extra></extra>`,
      },
    ],
    layout: {
      title: { text: `firing rates, state ${state}`, font: { size: 12 } },
      xaxis: { title: { text: 'neuron' }, type: 'category' },
      yaxis: { title: { text: unit } },
    },
  };
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', gap: 1.5, alignItems: 'start' }}>
      <Plot spec={couplingSpec} height={320} testId="plot-hmmglm-coupling-view" />
      <Plot spec={typeSpec} height={320} testId="plot-hmmglm-types-view" />
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
        <Plot spec={rateSpec} height={220} testId="plot-hmmglm-rates-view" />
        {covariates && <CovariatePlot run={run} state={state} weights={covariates} />}
        <Box>
          <Typography variant="caption" color="text.secondary">
            transition probabilities (row: from, column: to)
          </Typography>
          <Table size="small" data-testid="hmmglm-transition">
            <TableBody>
              {Array.from({ length: k }, (_, i) => (
                <TableRow key={i} selected={i === state}>
                  <TableCell sx={{ ...cell, color: STATE_COLOURS[i % STATE_COLOURS.length], fontWeight: 600 }}>state {i}</TableCell>
                  {Array.from({ length: k }, (_, j) => (
                    <TableCell key={j} sx={cell}>
                      {Number(transition.data[i * k + j]).toFixed(4)}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      </Box>
    </Box>
  );
}

export function HmmGlmResultView({ run }: { run: Run }) {
  const [state, setState] = useState(0);
  const posterior = useArray(run, 'posterior');
  const path = useArray(run, 'viterbi');
  const raster = useArray(run, 'raster');
  const coupling = useArray(run, 'coupling');
  const types = useArray(run, 'stateTypes');
  const rates = useArray(run, 'rates');
  const transition = useArray(run, 'transition');
  const covariates = useArray(run, 'covariateWeights');
  const k = Number(run.metrics.states ?? 0);
  const stopReason = (run.report as Report).stopReason;
  return (
    <Paper variant="outlined" sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1.5 }} data-testid="hmmglm-view">
      <Summary run={run} />
      {stopReason?.startsWith('diverged') && (
        <Typography variant="body2" color="warning.main">
          {stopReason}
        </Typography>
      )}
      {posterior && path && raster && <StatesPlot run={run} posterior={posterior} path={path} raster={raster} />}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="overline" color="text.secondary">
          State
        </Typography>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={Math.min(state, Math.max(0, k - 1))}
          onChange={(_, v: number | null) => v !== null && setState(v)}
        >
          {Array.from({ length: k }, (_, i) => (
            <ToggleButton
              key={i}
              value={i}
              data-testid={`hmmglm-state-${i}`}
              sx={{ py: 0.25, px: 1.25, color: STATE_COLOURS[i % STATE_COLOURS.length] }}
            >
              {i}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      </Box>
      {coupling && types && rates && transition && (
        <StatePanel
          run={run}
          state={Math.min(state, k - 1)}
          coupling={coupling}
          types={types}
          rates={rates}
          transition={transition}
          covariates={covariates}
        />
      )}
    </Paper>
  );
}
