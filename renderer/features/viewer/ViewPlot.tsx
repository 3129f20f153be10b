/**
 * A themed, interactive plotly view that reports pan and zoom: `onRelayout` when a gesture ends,
 * `onRelayouting` while it runs (a drag), with the new x range in data units. Draws resolve a promise
 * so callers can time relayout → redraw.
 */
import { Box, useTheme, type Theme } from '@mui/material';
import Plotly from 'plotly.js-strict-dist-min';
import { useEffect, useRef, type MutableRefObject } from 'react';

type Listener = (event: Record<string, unknown>) => void;
/** What plotly adds to the element it draws into. */
interface PlotElement extends HTMLDivElement {
  on(event: string, listener: Listener): void;
  removeAllListeners?(event: string): void;
  _fullLayout?: { xaxis?: { range?: [number, number]; _length?: number }; [axis: string]: unknown };
}

export interface PlotHandle {
  /** Draws data and layout (merged with the theme); resolves when plotly has drawn. */
  draw(data: unknown[], layout: Record<string, unknown>): Promise<void>;
  /** Pixel length of an axis's plotting area (x: width, y: height). */
  axisPixels(axis: string): number;
  element(): HTMLDivElement | null;
}

export interface AxisChange {
  /** New x range, or null for autorange (the whole recording). */
  x: [number, number] | null;
  /** Whether the change touched the x axis at all (a y-only zoom does not need new data). */
  touchesX: boolean;
}

function xChange(e: Record<string, unknown>): AxisChange {
  const r0 = e['xaxis.range[0]'];
  const r1 = e['xaxis.range[1]'];
  const range = e['xaxis.range'];
  if (typeof r0 === 'number' && typeof r1 === 'number') return { x: [r0, r1], touchesX: true };
  if (Array.isArray(range) && typeof range[0] === 'number') return { x: [range[0], range[1] as number], touchesX: true };
  if (e['xaxis.autorange'] === true) return { x: null, touchesX: true };
  return { x: null, touchesX: false };
}

export function themedLayout(theme: Theme, layout: Record<string, unknown>): Record<string, unknown> {
  const axis = {
    gridcolor: theme.palette.divider,
    zerolinecolor: theme.palette.divider,
    linecolor: theme.palette.divider,
    color: theme.palette.text.secondary,
  };
  const out: Record<string, unknown> = {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: theme.typography.fontFamily, size: 11, color: theme.palette.text.primary },
    hoverlabel: { font: { family: theme.typography.fontFamily, size: 11 } },
    ...layout,
  };
  for (const key of Object.keys(out)) {
    if (/^[xy]axis\d*$/.test(key)) out[key] = { ...axis, ...(out[key] as object) };
  }
  return out;
}

export function ViewPlot(props: {
  handle: MutableRefObject<PlotHandle | null>;
  height: number | string;
  testId?: string;
  onRelayout?: (change: AxisChange) => void;
  onRelayouting?: (change: AxisChange) => void;
  onClick?: (point: { x: number; y: number; curve: number }) => void;
  onHover?: (point: { x: number; y: number; curve: number } | null) => void;
}) {
  const ref = useRef<PlotElement>(null);
  const theme = useTheme();
  const themeRef = useRef(theme);
  themeRef.current = theme;
  const callbacks = useRef(props);
  callbacks.current = props;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let listening = false;
    props.handle.current = {
      async draw(data, layout) {
        await Plotly.react(el, data, themedLayout(themeRef.current, layout), {
          displaylogo: false,
          responsive: true,
          scrollZoom: true,
          doubleClick: 'autosize',
          modeBarButtonsToRemove: ['sendDataToCloud', 'select2d', 'lasso2d', 'toImage'],
        });
        if (listening) return;
        // Plotly creates its event emitter on the first draw.
        listening = true;
        el.on('plotly_relayout', (e) => callbacks.current.onRelayout?.(xChange(e)));
        el.on('plotly_relayouting', (e) => callbacks.current.onRelayouting?.(xChange(e)));
        const point = (e: Record<string, unknown>) => {
          const p = (e.points as Array<{ x: number; y: number; curveNumber: number }> | undefined)?.[0];
          return p ? { x: Number(p.x), y: Number(p.y), curve: p.curveNumber } : null;
        };
        el.on('plotly_click', (e) => {
          const p = point(e);
          if (p) callbacks.current.onClick?.(p);
        });
        el.on('plotly_hover', (e) => callbacks.current.onHover?.(point(e)));
        el.on('plotly_unhover', () => callbacks.current.onHover?.(null));
      },
      axisPixels(axis) {
        const a = el._fullLayout?.[axis] as { _length?: number } | undefined;
        // Before the first draw: the element's size less typical margins (a second y axis takes about a third).
        const fallback = axis.startsWith('x') ? el.clientWidth - 80 : (el.clientHeight - 60) * (axis === 'yaxis' ? 1 : 0.3);
        return Math.max(1, Math.round(a?._length ?? fallback));
      },
      element: () => el,
    };
    const observer = new ResizeObserver(() => {
      if (el.querySelector('.main-svg')) Plotly.Plots.resize(el);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      props.handle.current = null;
      Plotly.purge(el);
    };
    // The handle object is stable for the component's life.
  }, []);

  return <Box ref={ref} sx={{ width: '100%', height: props.height }} data-testid={props.testId} />;
}
