import { Box, FormControlLabel, MenuItem, Switch, TextField } from '@mui/material';
import type { Field, FormValues } from './schemaFields';

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
        const help =
          error ??
          [f.help, f.min !== undefined || f.max !== undefined ? `range ${f.min ?? '−∞'} … ${f.max ?? '∞'}` : '']
            .filter(Boolean)
            .join(' · ');
        if (f.kind === 'boolean') {
          return (
            <FormControlLabel
              key={f.key}
              control={<Switch size="small" checked={Boolean(props.values[f.key])} onChange={(e) => set(f.key, e.target.checked)} />}
              label={f.title}
            />
          );
        }
        if (f.kind === 'enum') {
          return (
            <TextField
              key={f.key}
              select
              label={f.title}
              value={props.values[f.key]}
              helperText={help}
              error={Boolean(error)}
              onChange={(e) => set(f.key, e.target.value)}
            >
              {f.options?.map((o) => (
                <MenuItem key={o} value={o}>
                  {o}
                </MenuItem>
              ))}
            </TextField>
          );
        }
        return (
          <TextField
            key={f.key}
            label={f.title}
            value={props.values[f.key]}
            placeholder={f.nullable ? 'auto' : undefined}
            helperText={help}
            error={Boolean(error)}
            onChange={(e) => set(f.key, e.target.value)}
            slotProps={{ htmlInput: { inputMode: f.kind === 'string' ? 'text' : 'decimal', 'data-testid': `param-${f.key}` } }}
          />
        );
      })}
    </Box>
  );
}
