/**
 * Shows one object of a dataset's file: spike raster for a Units table; stacked traces with the
 * raster, and the ROI map beside them when the file has ROI geometry, for anything with traces.
 */
import { Alert, Box, CircularProgress, Typography } from '@mui/material';
import { useState } from 'react';
import { useQuery } from '../../api/hooks';
import { RoiMap } from './RoiMap';
import { SpikeRaster } from './SpikeRaster';
import { TracesViewer } from './TracesViewer';

export function ObjectViewer(props: { datasetId: number; object: string }) {
  const info = useQuery('views.info', { datasetId: props.datasetId, object: props.object });
  const [shown, setShown] = useState<[number, number] | null>(null);
  const [focus, setFocus] = useState<number | null>(null);
  if (info.error) return <Alert severity="warning">{info.error.message}</Alert>;
  const i = info.data;
  if (!i || info.loading)
    return (
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, py: 2 }}>
        <CircularProgress size={14} />
        <Typography variant="body2" color="text.secondary">
          Opening {props.object || 'the recording'}…
        </Typography>
      </Box>
    );
  const duration = i.end - i.start;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }} data-testid="object-viewer">
      <Typography variant="body2" color="text.secondary" data-testid="viewer-summary">
        {i.hasSpikes
          ? `${i.nNeurons} units · ${duration.toFixed(1)} s`
          : `${i.nNeurons} × ${i.nFrames.toLocaleString()} (neurons × frames) · ${i.rate.toPrecision(4)} Hz${i.timeBase.kind === 'timestamps' ? ' (mean, from timestamps)' : ''} · ${duration.toFixed(duration < 10 ? 2 : 1)} s${i.unit ? ` · ${i.unit}` : ''}`}
      </Typography>
      {i.hasSpikes ? (
        <SpikeRaster key={`${i.datasetId}:${i.object}`} info={i} />
      ) : (
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, alignItems: 'flex-start', minWidth: 0 }}>
          <Box sx={{ flex: '1 1 560px', minWidth: 0 }}>
            <TracesViewer key={`${i.datasetId}:${i.object}`} info={i} onNeuronsShown={setShown} focus={focus} />
          </Box>
          {i.hasRois && <RoiMap info={i} shown={shown} onSelect={setFocus} size={300} />}
        </Box>
      )}
    </Box>
  );
}
