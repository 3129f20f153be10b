/**
 * A dense, calm theme for long analysis sessions: small controls, 13 px text, muted surfaces,
 * one accent colour. Dark by default, light on request.
 */
import { createTheme, type Theme } from '@mui/material/styles';

export type Mode = 'dark' | 'light';

const FONT = '"Inter", "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif';
export const MONO = '"JetBrains Mono", "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';

export function studioTheme(mode: Mode): Theme {
  const dark = mode === 'dark';
  return createTheme({
    palette: {
      mode,
      primary: { main: dark ? '#7fb4ff' : '#2f6fd0' },
      secondary: { main: dark ? '#6fd0b8' : '#1f8f78' },
      error: { main: dark ? '#ff7a7a' : '#c62828' },
      warning: { main: dark ? '#f2c46b' : '#b7791f' },
      success: { main: dark ? '#7ad19a' : '#2e7d32' },
      background: dark ? { default: '#121418', paper: '#191c21' } : { default: '#f4f5f7', paper: '#ffffff' },
      divider: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.09)',
      text: dark ? { primary: '#e3e6eb', secondary: '#9aa3ae' } : { primary: '#1d2127', secondary: '#5d6670' },
    },
    shape: { borderRadius: 4 },
    typography: {
      fontFamily: FONT,
      fontSize: 13,
      h6: { fontSize: 15, fontWeight: 600, letterSpacing: 0 },
      subtitle1: { fontSize: 13, fontWeight: 600 },
      subtitle2: { fontSize: 12, fontWeight: 600, letterSpacing: 0.2 },
      body1: { fontSize: 13 },
      body2: { fontSize: 12 },
      caption: { fontSize: 11 },
      overline: { fontSize: 10, fontWeight: 600, letterSpacing: 1 },
      button: { textTransform: 'none', fontWeight: 500 },
    },
    components: {
      MuiButton: { defaultProps: { size: 'small', disableElevation: true } },
      MuiIconButton: { defaultProps: { size: 'small' } },
      MuiTextField: { defaultProps: { size: 'small', variant: 'outlined' } },
      MuiSelect: { defaultProps: { size: 'small' } },
      MuiFormControl: { defaultProps: { size: 'small' } },
      MuiList: { defaultProps: { dense: true } },
      MuiListItemButton: { styleOverrides: { root: { borderRadius: 4, paddingTop: 2, paddingBottom: 2 } } },
      MuiTable: { defaultProps: { size: 'small' } },
      MuiTableCell: { styleOverrides: { root: { paddingTop: 4, paddingBottom: 4, fontSize: 12 }, head: { fontWeight: 600 } } },
      MuiTabs: { styleOverrides: { root: { minHeight: 34 } } },
      MuiTab: { styleOverrides: { root: { minHeight: 34, paddingTop: 4, paddingBottom: 4, minWidth: 72 } } },
      MuiTooltip: { defaultProps: { disableInteractive: true, enterDelay: 400 } },
      MuiPaper: { styleOverrides: { root: { backgroundImage: 'none' } } },
      MuiChip: { defaultProps: { size: 'small' } },
      MuiLinearProgress: { styleOverrides: { root: { height: 3, borderRadius: 2 } } },
      MuiCssBaseline: {
        styleOverrides: {
          body: { overflow: 'hidden' },
          '*::-webkit-scrollbar': { width: 10, height: 10 },
          '*::-webkit-scrollbar-thumb': { background: dark ? '#2c3139' : '#c9ced6', borderRadius: 5 },
        },
      },
    },
  });
}
