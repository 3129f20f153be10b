/**
 * A figure drawn live at its print size with a preset's fonts and lines (the same printSpec and
 * page layout the exporter uses), so what the studio shows is what the PDF will contain.
 */
import { Alert, Box, Typography } from '@mui/material';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Figure } from '../../../shared/domain/figure';
import { exportOptions, panelPlaces } from '../../../shared/figures/layout';
import { panelLetter, type ExportOptions } from '../../../shared/figures/presets';
import { printSize, printSpec } from '../../../shared/figures/print';
import { FIGURE_FONT } from '../../../shared/figures/style';
import { useQuery } from '../../api/hooks';
import { Plot } from '../../plots/Plot';
import './figure-font.css';

function PrintedPanel({ figureId, options, width, height }: { figureId: number; options: ExportOptions; width: number; height: number }) {
  const figure = useQuery('figures.get', { id: figureId });
  if (figure.error) return <Alert severity="warning">{figure.error.message}</Alert>;
  if (!figure.data) return null;
  return <Plot spec={printSpec(figure.data.plot, options, { widthPx: width, heightPx: height })} height={height} themed={false} />;
}

function Page({ figure, options }: { figure: Figure; options: ExportOptions }) {
  const page = printSize(options);
  if (!figure.composition) {
    return <Plot spec={printSpec(figure.plot, options, page)} height={page.heightPx} themed={false} testId={`print-${figure.key}`} />;
  }
  const { panels, columns } = figure.composition;
  const { places, letterPx } = panelPlaces(options, panels.length, columns);
  return panels.map((id, i) => {
    const { cell, plot } = places[i];
    return (
      <Box key={`${i}-${id}`}>
        <Typography
          sx={{
            position: 'absolute',
            left: cell.x + letterPx * 0.15,
            top: cell.y,
            fontSize: letterPx,
            lineHeight: 1.2,
            fontWeight: 700,
            color: '#000',
            fontFamily: FIGURE_FONT,
          }}
        >
          {panelLetter(i, options.panelLetter.case)}
        </Typography>
        <Box sx={{ position: 'absolute', left: plot.x, top: plot.y, width: plot.width, height: plot.height }}>
          <PrintedPanel figureId={id} options={options} width={plot.width} height={plot.height} />
        </Box>
      </Box>
    );
  });
}

/** Scale that fits a page of `width` CSS px into its container (never enlarged). */
function useFitScale(width: number): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState(1);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setScale(Math.min(1, el.clientWidth / width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [width]);
  return [ref, scale];
}

export function PrintView({ figure, preset }: { figure: Figure; preset: string }) {
  let options: ExportOptions | null = null;
  let problem = '';
  try {
    options = exportOptions({ preset }, figure.composition);
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  const page = options ? printSize(options) : { widthPx: 1, heightPx: 1 };
  const [ref, scale] = useFitScale(page.widthPx);
  if (!options) return <Alert severity="warning">{problem}</Alert>;
  // True size (1 CSS mm per mm) when it fits; scaled down to the available width otherwise.
  return (
    <Box ref={ref} sx={{ width: '100%', height: page.heightPx * scale }}>
      <Box
        sx={{
          position: 'relative',
          width: page.widthPx,
          height: page.heightPx,
          bgcolor: '#ffffff',
          boxShadow: '0 1px 4px rgba(0,0,0,0.3)',
          transform: scale < 1 ? `scale(${scale})` : undefined,
          transformOrigin: 'top left',
        }}
        data-testid="print-view"
      >
        <Page figure={figure} options={options} />
      </Box>
    </Box>
  );
}
