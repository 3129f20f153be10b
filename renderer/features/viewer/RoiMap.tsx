/**
 * ROI map: each ROI's mask in its own colour over the plane's mean image when the file has one;
 * hovering names the ROI, clicking brings its trace into view; the ROIs drawn as traces are ringed.
 */
import { Alert, Box, Typography, useTheme } from '@mui/material';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RoiView, ViewerInfo } from '../../../shared/domain/viewer';
import { client } from '../../api';
import { messageOf } from '../../app/notifications';
import { categoricalScale, imageRows, ROI_COLOURS, roiImage } from './specs';
import { ViewPlot, type PlotHandle } from './ViewPlot';

export function RoiMap(props: { info: ViewerInfo; shown: [number, number] | null; onSelect: (neuron: number) => void; size?: number }) {
  const { info, shown } = props;
  const theme = useTheme();
  const [rois, setRois] = useState<RoiView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const plot = useRef<PlotHandle | null>(null);
  const size = props.size ?? 340;

  useEffect(() => {
    let live = true;
    client.call('views.rois', { datasetId: info.datasetId, object: info.object }).then(
      (r) => live && setRois(r),
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [info.datasetId, info.object]);

  const image = useMemo(() => (rois ? roiImage(rois) : null), [rois]);

  useEffect(() => {
    if (!rois || !image || !plot.current) return;
    const [h, w] = rois.dims;
    const data: unknown[] = [];
    if (rois.background) {
      data.push({
        type: 'heatmap',
        z: imageRows(rois.background.data, rois.dims),
        colorscale: 'Greys',
        reversescale: true,
        showscale: false,
        hoverinfo: 'skip',
        zsmooth: false,
      });
    }
    data.push({
      type: 'heatmap',
      z: image.z,
      text: image.text,
      zmin: -0.5,
      zmax: ROI_COLOURS.length - 0.5,
      colorscale: categoricalScale(ROI_COLOURS),
      showscale: false,
      opacity: rois.background ? 0.55 : 0.9,
      zsmooth: false,
      hovertemplate: '%{text}<extra></extra>',
      hoverongaps: false,
    });
    const ring = shown ? Array.from({ length: Math.min(rois.count, shown[1]) - shown[0] }, (_, i) => shown[0] + i) : [];
    data.push({
      type: 'scatter',
      mode: 'markers',
      x: ring.map((k) => rois.centers[2 * k]),
      y: ring.map((k) => rois.centers[2 * k + 1]),
      marker: { symbol: 'circle-open', size: 9, color: theme.palette.text.primary, line: { width: 1 } },
      text: ring.map((k) => `ROI ${rois.labels[k]} (row ${k}), drawn as a trace`),
      hovertemplate: '%{text}<extra></extra>',
    });
    void plot.current.draw(data, {
      margin: { l: 8, r: 8, t: 8, b: 8 },
      showlegend: false,
      dragmode: 'pan',
      xaxis: {
        range: [-0.5, w - 0.5],
        showticklabels: false,
        ticks: '',
        showline: false,
        showgrid: false,
        zeroline: false,
        constrain: 'domain',
      },
      yaxis: {
        range: [h - 0.5, -0.5],
        showticklabels: false,
        ticks: '',
        showline: false,
        showgrid: false,
        zeroline: false,
        scaleanchor: 'x',
        constrain: 'domain',
      },
      plot_bgcolor: theme.palette.mode === 'dark' ? '#0b0d10' : '#eef0f3',
    });
  }, [rois, image, shown?.[0], shown?.[1], theme]);

  if (error) return <Alert severity="warning">ROI map: {error}</Alert>;
  return (
    <Box sx={{ width: size, flex: 'none' }} data-testid="roi-map">
      <Typography variant="caption" color="text.secondary" component="div" noWrap>
        ROI map
        {rois && ` · ${rois.count} ROIs · ${rois.dims[1]} × ${rois.dims[0]} px${rois.background ? ` · over ${rois.background.name}` : ''}`}
      </Typography>
      <ViewPlot
        handle={plot}
        height={size}
        testId="roi-map-plot"
        onClick={(p) => {
          const k = image?.roiAt[Math.round(p.y) * (rois?.dims[1] ?? 0) + Math.round(p.x)];
          if (k !== undefined && k >= 0) props.onSelect(k);
        }}
      />
    </Box>
  );
}
