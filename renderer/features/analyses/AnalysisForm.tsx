/**
 * The parameter form of an analysis, generated from its schema. Each field shows a short hint (the
 * first sentence of its help, and its range); the whole help, formulas included, is one hover away,
 * so long explanations do not push the form off the screen.
 */
import { Box, FormControlLabel, MenuItem, Switch, TextField, Tooltip } from '@mui/material';
import type { ReactElement } from 'react';
import type { Field, FormValues } from './schemaFields';

/** Bounds at the edge of double precision are the schema saying "no bound". */
const bound = (v: number | undefined) => (v === undefined || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v);

function rangeText(f: Field): string {
  const min = bound(f.min);
  const max = bound(f.max);
  if (min === undefined && max === undefined) return '';
  if (max === undefined) return `≥ ${min}`;
  if (min === undefined) return `≤ ${max}`;
  return `${min} … ${max}`;
}

/** The help's first sentence as a hint; help that opens with a formula list gets a pointer instead. */
function firstSentence(text: string): string {
  if (!text) return '';
  const m = /^(.+?[.:;])(\s|$)/.exec(text);
  const s = m ? m[1]!.replace(/[:;]$/, '') : text;
  if (s.length < 16) return 'formulas and details on hover';
  return s.length > 90 ? `${s.slice(0, 88)}…` : s;
}

function withHelp(f: Field, element: ReactElement): ReactElement {
  if (!f.help) return element;
  return (
    <Tooltip
      key={f.key}
      title={f.help}
      placement="top-start"
      enterDelay={500}
      slotProps={{ tooltip: { sx: { maxWidth: 420, fontSize: 12 } } }}
    >
      <Box>{element}</Box>
    </Tooltip>
  );
}

export function AnalysisForm(props: {
  fields: Field[];
  values: FormValues;
  errors: Record<string, string>;
  onChange: (values: FormValues) => void;
}) {
  const set = (key: string, value: string | boolean) => props.onChange({ ...props.values, [key]: value });
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: 1.5 }}>
      {props.fields.map((f) => {
        const error = props.errors[f.key];
        const hint = error ?? [firstSentence(f.help), rangeText(f)].filter(Boolean).join(' · ');
        if (f.kind === 'boolean') {
          return withHelp(
            f,
            <FormControlLabel
              key={f.key}
              control={<Switch size="small" checked={Boolean(props.values[f.key])} onChange={(e) => set(f.key, e.target.checked)} />}
              label={f.title}
            />,
          );
        }
        if (f.kind === 'enum') {
          return withHelp(
            f,
            <TextField
              key={f.key}
              select
              fullWidth
              label={f.title}
              value={props.values[f.key]}
              helperText={hint}
              error={Boolean(error)}
              onChange={(e) => set(f.key, e.target.value)}
            >
              {f.options?.map((o) => (
                <MenuItem key={o} value={o}>
                  {o}
                </MenuItem>
              ))}
            </TextField>,
          );
        }
        return withHelp(
          f,
          <TextField
            key={f.key}
            fullWidth
            label={f.title}
            value={props.values[f.key]}
            placeholder={f.nullable ? 'auto' : undefined}
            helperText={hint}
            error={Boolean(error)}
            onChange={(e) => set(f.key, e.target.value)}
            slotProps={{ htmlInput: { inputMode: f.kind === 'string' ? 'text' : 'decimal', 'data-testid': `param-${f.key}` } }}
          />,
        );
      })}
    </Box>
  );
}
