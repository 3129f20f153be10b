/**
 * Stacked traces over the neurons × time raster, on one shared time axis. Every pan or zoom asks
 * main for views sized to the plot's pixels (see useWindowedViews); the raster shows every neuron
 * (rows averaged when there are more neurons than pixels) and marks the range drawn as traces.
 */
import ChevronLeftIcon from '@mui/icons-material/ChevronLeft';
import ChevronRightIcon from '@mui/icons-material/ChevronRight';
import { Alert, Box, IconButton, MenuItem, TextField, Tooltip, Typography, useTheme } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ViewerInfo } from '../../../shared/domain/viewer';
import { client } from '../../api';
import { messageOf } from '../../app/notifications';
import { clampWindow, laneScale, laneTicks, rasterCells, stackedTraces, type LaneScale } from './specs';
import { useWindowedViews, type DrawTiming } from './useWindowedViews';
import { lineTraceType } from './lineRenderer';
import { ViewPlot, type PlotHandle } from './ViewPlot';

const COUNTS = [10, 25, 50, 100, 200];
const PLOT_HEIGHT = 600;

interface Status {
  traces: number;
  columns: number;
  binFrames: number;
  ms: number;
  coarse: boolean;
}

export function TracesViewer(props: { info: ViewerInfo; onNeuronsShown?: (range: [number, number]) => void; focus?: number | null }) {
  const { info } = props;
  const theme = useTheme();
  const target = useMemo(() => ({ datasetId: info.datasetId, object: info.object }), [info.datasetId, info.object]);
  const [count, setCount] = useState(() => Math.min(info.nNeurons, 50));
  const [first, setFirst] = useState(0);
  const [scale, setScale] = useState<LaneScale | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const plot = useRef<PlotHandle | null>(null);
  const windowRef = useRef<[number, number]>([info.start, info.end]);
  const draws = useRef(0);
  const shown: [number, number] = [first, Math.min(info.nNeurons, first + count)];

  // Lanes are scaled by each neuron's range over the whole recording, so they keep still while panning.
  useEffect(() => {
    let live = true;
    const width = Math.max(16, Math.min(256, Math.floor((1 << 20) / Math.max(1, info.nNeurons))));
    client.call('views.traces', { ...target, neurons: [0, info.nNeurons], window: [info.start, info.end], width, coarse: true }).then(
      (v) => live && setScale(laneScale(v)),
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [target, info.nNeurons, info.start, info.end]);

  useEffect(() => {
    if (props.focus === null || props.focus === undefined) return;
    if (props.focus < first || props.focus >= first + count)
      setFirst(Math.max(0, Math.min(info.nNeurons - count, props.focus - Math.floor(count / 2))));
  }, [props.focus]);

  const onNeuronsShown = props.onNeuronsShown;
  useEffect(() => onNeuronsShown?.([shown[0], shown[1]]), [shown[0], shown[1], onNeuronsShown]);

  const fetchView = useCallback(
    async (window: [number, number], coarse: boolean) => {
      const handle = plot.current;
      if (!handle || !scale) throw new Error('the plot is not ready');
      const width = handle.axisPixels('xaxis');
      const height = handle.axisPixels('yaxis2');
      const [traces, raster] = await Promise.all([
        client.call('views.traces', { ...target, neurons: shown, window, width, coarse }),
        client.call('views.raster', { ...target, neurons: [0, info.nNeurons], window, width, height, coarse }),
      ]);
      const line = stackedTraces(traces, scale, shown[0]);
      const cells = rasterCells(raster);
      const n = shown[1] - shown[0];
      const framesPerColumn = (traces.frames[1] - traces.frames[0]) / traces.columns;
      return {
        exact: traces.binFrames <= Math.max(1, framesPerColumn),
        draw: async () => {
          await handle.draw(
            [
              {
                type: lineTraceType(),
                mode: 'lines',
                x: line.x,
                y: line.y,
                line: { color: theme.palette.primary.main, width: 1 },
                hoverinfo: 'x',
                name: 'traces',
                showlegend: false,
              },
              {
                type: 'heatmap',
                ...cells,
                xaxis: 'x',
                yaxis: 'y2',
                zmin: raster.low,
                zmax: raster.high,
                colorscale: 'Viridis',
                zsmooth: 'fast',
                colorbar: {
                  len: 0.28,
                  y: 0,
                  yanchor: 'bottom',
                  thickness: 6,
                  xpad: 4,
                  outlinewidth: 0,
                  tickfont: { size: 9 },
                  title: { text: info.unit ?? '', side: 'right', font: { size: 10 } },
                },
                hovertemplate: `%{x:.2f} s · neuron %{y:.0f}<br>%{z:.3g}${info.unit ? ` ${info.unit}` : ''}<extra></extra>`,
              },
            ],
            {
              margin: { l: 52, r: 8, t: 8, b: 36 },
              showlegend: false,
              dragmode: 'pan',
              xaxis: { range: window, title: { text: 'time (s)', standoff: 4 }, anchor: 'y2', showgrid: false, zeroline: false },
              yaxis: {
                domain: [0.34, 1],
                range: [-n - 0.1, 0.1],
                ...laneTicks(shown[0], n, info.labels),
                zeroline: false,
                showgrid: false,
                fixedrange: true,
                ticks: '',
                tickfont: { size: 10 },
              },
              yaxis2: {
                domain: [0, 0.28],
                range: [info.nNeurons, 0],
                title: { text: 'neuron', standoff: 4 },
                fixedrange: true,
                showgrid: false,
                zeroline: false,
              },
              shapes: [
                {
                  type: 'rect',
                  xref: 'paper',
                  x0: 0,
                  x1: 1,
                  yref: 'y2',
                  y0: shown[0],
                  y1: shown[1],
                  line: { color: theme.palette.primary.main, width: 1 },
                  fillcolor: 'rgba(0,0,0,0)',
                },
              ],
            },
          );
          setStatus({ traces: n, columns: traces.columns, binFrames: traces.binFrames, ms: 0, coarse });
        },
      };
    },
    [target, shown[0], shown[1], scale, theme, info.nNeurons, info.labels, info.unit],
  );

  const container = useRef<HTMLDivElement>(null);
  const onDrawn = useCallback((t: DrawTiming) => {
    draws.current++;
    const el = container.current;
    if (el) {
      el.dataset.draws = String(draws.current);
      el.dataset.lastDrawMs = t.ms.toFixed(1);
      el.dataset.lastDrawCoarse = String(t.coarse);
    }
    setStatus((s) => (s ? { ...s, ms: t.ms } : s));
  }, []);
  const { request, refresh } = useWindowedViews(fetchView, onDrawn, (e) => setError(messageOf(e)));

  // First draw, and a redraw whenever the neuron range or the lane scales change.
  useEffect(() => {
    if (scale) refresh(windowRef.current);
  }, [scale, fetchView, refresh]);

  const onRelayout = useCallback(
    (change: { x: [number, number] | null; touchesX: boolean }) => {
      if (!change.touchesX) return;
      const window = clampWindow(change.x ?? [info.start, info.end], info.start, info.end);
      windowRef.current = window;
      // Counted so that timing can tell plotly's own gesture redraw from the studio's answer.
      const el = container.current;
      if (el) el.dataset.relayouts = String(Number(el.dataset.relayouts ?? 0) + 1);
      request(window);
    },
    [request, info.start, info.end],
  );

  const page = (delta: number) => setFirst((f) => Math.max(0, Math.min(Math.max(0, info.nNeurons - count), f + delta)));

  return (
    <Box ref={container} data-testid="trace-viewer" sx={{ display: 'flex', flexDirection: 'column', gap: 0.5, minWidth: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="body2" color="text.secondary">
          Neurons
        </Typography>
        <Tooltip title="Previous neurons">
          <span>
            <IconButton aria-label="previous neurons" onClick={() => page(-count)} disabled={first === 0}>
              <ChevronLeftIcon sx={{ fontSize: 18 }} />
            </IconButton>
          </span>
        </Tooltip>
        <TextField
          value={first}
          onChange={(e) => {
            const v = Math.floor(Number(e.target.value));
            if (Number.isFinite(v)) setFirst(Math.max(0, Math.min(Math.max(0, info.nNeurons - 1), v)));
          }}
          sx={{ width: 80 }}
          slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-label': 'first neuron', 'data-testid': 'first-neuron' } }}
        />
        <Typography variant="body2" color="text.secondary" noWrap>
          – {shown[1] - 1} of {info.nNeurons}
        </Typography>
        <Tooltip title="Next neurons">
          <span>
            <IconButton aria-label="next neurons" onClick={() => page(count)} disabled={shown[1] >= info.nNeurons}>
              <ChevronRightIcon sx={{ fontSize: 18 }} />
            </IconButton>
          </span>
        </Tooltip>
        <TextField
          select
          value={count}
          onChange={(e) => setCount(Number(e.target.value))}
          sx={{ width: 120 }}
          slotProps={{ htmlInput: { 'aria-label': 'neurons shown' } }}
        >
          {COUNTS.filter((c) => c < info.nNeurons)
            .concat(info.nNeurons <= 200 ? [info.nNeurons] : [])
            .map((c) => (
              <MenuItem key={c} value={c}>
                {c} shown
              </MenuItem>
            ))}
        </TextField>
      </Box>
      {error && (
        <Alert severity="error" onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      <ViewPlot
        handle={plot}
        height={PLOT_HEIGHT}
        testId="traces-plot"
        onRelayout={onRelayout}
        onClick={(p) => {
          // A click on the raster brings that neuron into the traces.
          if (p.curve === 1) setFirst(Math.max(0, Math.min(Math.max(0, info.nNeurons - count), Math.floor(p.y) - Math.floor(count / 2))));
        }}
      />
      <Box sx={{ display: 'flex', gap: 2 }}>
        <Typography variant="caption" color="text.secondary" sx={{ flex: 1 }}>
          Scroll to zoom, drag to pan, double-click for the whole recording. Each trace is scaled to its own range over the recording; click
          the raster to jump to a neuron.
        </Typography>
        <Typography variant="caption" color="text.secondary" sx={{ textAlign: 'right' }} data-testid="view-status">
          {status &&
            `${status.columns} columns · ${status.binFrames === 1 ? 'frames from the file' : `bins of ${status.binFrames} frames`}${status.coarse ? ' (coarse)' : ''} · drawn in ${Math.round(status.ms)} ms (${lineTraceType() === 'scattergl' ? 'WebGL' : 'SVG: no hardware WebGL'})`}
        </Typography>
      </Box>
    </Box>
  );
}
