/**
 * Spike raster of a Units table: one tick per spike when the window holds few enough, else spike
 * counts per pixel column; stretches outside a unit's obs_intervals are shaded. Pan and zoom ask
 * main for the new window (see useWindowedViews).
 */
import { Alert, Box, Typography, useTheme } from '@mui/material';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ViewerInfo } from '../../../shared/domain/viewer';
import { client } from '../../api';
import { messageOf } from '../../app/notifications';
import { clampWindow, spikeCountCells, spikeGaps, spikeTicks } from './specs';
import { useWindowedViews, type DrawTiming } from './useWindowedViews';
import { lineTraceType } from './lineRenderer';
import { ViewPlot, type PlotHandle } from './ViewPlot';

/** Units drawn at once; more are reached by scrolling the unit range. */
const MAX_UNITS = 200;

export function SpikeRaster(props: { info: ViewerInfo }) {
  const { info } = props;
  const theme = useTheme();
  const plot = useRef<PlotHandle | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const windowRef = useRef<[number, number]>([info.start, info.end]);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const units: [number, number] = [0, Math.min(info.nNeurons, MAX_UNITS)];
  const draws = useRef(0);

  const fetchView = useCallback(
    async (window: [number, number]) => {
      const handle = plot.current;
      if (!handle) throw new Error('the plot is not ready');
      const width = handle.axisPixels('xaxis');
      const view = await client.call('views.spikes', { datasetId: info.datasetId, object: info.object, units, window, width });
      return {
        // Spikes are exact at every zoom: there is no coarser answer.
        exact: true,
        draw: async () => {
          const data: unknown[] = [];
          const gaps = spikeGaps(view);
          if (gaps) {
            data.push({
              type: lineTraceType(),
              mode: 'lines',
              x: gaps.x,
              y: gaps.y,
              line: { color: theme.palette.text.secondary, width: Math.max(2, (handle.axisPixels('yaxis') / (units[1] - units[0])) * 0.8) },
              opacity: 0.18,
              hoverinfo: 'skip',
              name: 'not observed',
            });
          }
          if (view.mode === 'times') {
            const ticks = spikeTicks(view);
            data.push({
              type: lineTraceType(),
              mode: 'lines',
              x: ticks.x,
              y: ticks.y,
              line: { color: theme.palette.primary.main, width: 1 },
              hoverinfo: 'x',
              name: 'spikes',
            });
          } else {
            const cells = spikeCountCells(view);
            data.push({
              type: 'heatmap',
              ...cells,
              colorscale: 'Viridis',
              zsmooth: 'fast',
              colorbar: { thickness: 8, outlinewidth: 0, title: { text: 'spikes', side: 'right' } },
              hovertemplate: '%{x:.3f} s · unit %{y:.0f}<br>%{z} spikes<extra></extra>',
            });
          }
          const every = Math.max(1, Math.ceil((units[1] - units[0]) / 40));
          const tickvals = Array.from({ length: Math.ceil((units[1] - units[0]) / every) }, (_, k) => units[0] + k * every + 0.5);
          await handle.draw(data, {
            margin: { l: 64, r: 24, t: 8, b: 40 },
            showlegend: false,
            dragmode: 'pan',
            xaxis: { range: window, title: { text: 'time (s)', standoff: 4 }, showgrid: false, zeroline: false },
            yaxis: {
              range: [units[1], units[0]],
              tickvals,
              ticktext: tickvals.map((v) => info.labels?.[Math.floor(v)] ?? String(Math.floor(v))),
              title: { text: 'unit', standoff: 4 },
              fixedrange: true,
              showgrid: false,
              zeroline: false,
              tickfont: { size: 10 },
            },
          });
          setStatus(
            `${view.total.toLocaleString()} spikes in view${view.mode === 'counts' ? ` · counts per ${(view.binWidth! * 1000).toPrecision(3)} ms column` : ' · one tick per spike'}${gaps ? ' · shaded: not observed' : ''}`,
          );
        },
      };
    },
    [info.datasetId, info.object, info.labels, units[0], units[1], theme],
  );
  const onDrawn = useCallback((t: DrawTiming) => {
    draws.current++;
    if (container.current) {
      container.current.dataset.draws = String(draws.current);
      container.current.dataset.lastDrawMs = t.ms.toFixed(1);
    }
  }, []);
  const { request, refresh } = useWindowedViews(fetchView, onDrawn, (e) => setError(messageOf(e)));

  useEffect(() => refresh(windowRef.current), [fetchView, refresh]);

  return (
    <Box ref={container} data-testid="spike-raster" sx={{ display: 'flex', flexDirection: 'column', gap: 0.5 }}>
      <Typography variant="caption" color="text.secondary" data-testid="view-status">
        {info.nNeurons} units{info.nNeurons > MAX_UNITS ? ` (first ${MAX_UNITS} shown)` : ''} · {status}
      </Typography>
      {error && (
        <Alert severity="error" onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      <ViewPlot
        handle={plot}
        height={Math.min(640, 120 + 14 * (units[1] - units[0]))}
        testId="spike-plot"
        onRelayout={(change) => {
          if (!change.touchesX) return;
          const window = clampWindow(change.x ?? [info.start, info.end], info.start, info.end);
          windowRef.current = window;
          request(window);
        }}
      />
    </Box>
  );
}
