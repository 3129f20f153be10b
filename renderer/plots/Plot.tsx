/**
 * A plotly figure from a spec (data + layout, plain JSON so it can be stored and exported).
 * Colours and fonts follow the studio theme unless the spec sets them.
 */
import { Box, useTheme } from '@mui/material';
import Plotly from 'plotly.js-strict-dist-min';
import { useEffect, useRef } from 'react';
import type { PlotSpec } from '../../shared/domain/figure';

/**
 * `themed` plots (interactive views) take the studio's colours; stored figures are drawn exactly as
 * specified, so the preview matches the export.
 */
export function Plot({
  spec,
  height = 420,
  testId,
  themed = true,
}: {
  spec: PlotSpec;
  height?: number | string;
  testId?: string;
  themed?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!themed) {
      void Plotly.react(el, spec.data, spec.layout, { displaylogo: false, responsive: true });
      return;
    }
    const axis = { gridcolor: theme.palette.divider, zerolinecolor: theme.palette.divider, linecolor: theme.palette.divider };
    const layout = {
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { family: theme.typography.fontFamily, size: 11, color: theme.palette.text.primary },
      margin: { l: 56, r: 16, t: 28, b: 44 },
      ...spec.layout,
      xaxis: { ...axis, ...(spec.layout?.xaxis as object) },
      yaxis: { ...axis, ...(spec.layout?.yaxis as object) },
    };
    void Plotly.react(el, spec.data, layout, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['sendDataToCloud'] });
  }, [spec, theme, themed]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => Plotly.Plots.resize(el));
    observer.observe(el);
    return () => {
      observer.disconnect();
      Plotly.purge(el);
    };
  }, []);
  return <Box ref={ref} sx={{ width: '100%', height }} data-testid={testId} />;
}
