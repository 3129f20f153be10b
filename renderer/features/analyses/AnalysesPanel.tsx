/** Choose a recording and an analysis, set its parameters (form built from its schema), run it. */
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import { Autocomplete, Box, Button, MenuItem, Paper, TextField, Typography } from '@mui/material';
import { useMemo, useState } from 'react';
import { ANALYSES, type AnalysisDescriptor } from '../../../shared/analyses/index';
import type { Dataset, DatasetFileState } from '../../../shared/domain/project';
import { client } from '../../api';
import { messageOf, useNotify } from '../../app/notifications';
import { FileStateWarning } from '../viewer/FileStateWarning';
import { AnalysisForm } from './AnalysisForm';
import { fieldsOf, initialValues, toParams, type FormValues } from './schemaFields';

export function AnalysesPanel(props: {
  projectId: number;
  datasets: Array<Dataset & { fileState?: DatasetFileState }>;
  onStarted: (runId: number) => void;
}) {
  const notify = useNotify();
  const [analysisId, setAnalysisId] = useState<string>(ANALYSES[0].id);
  const [datasetId, setDatasetId] = useState<number | ''>('');
  const [furtherIds, setFurtherIds] = useState<number[]>([]);
  const analysis: AnalysisDescriptor = ANALYSES.find((a) => a.id === analysisId) ?? ANALYSES[0];
  const fields = useMemo(() => fieldsOf(analysis.params), [analysis]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const chosen = datasetId === '' ? props.datasets[0]?.id : datasetId;
  const chosenDataset = props.datasets.find((d) => d.id === chosen);

  const selectAnalysis = (id: string) => {
    setAnalysisId(id);
    const a = ANALYSES.find((x) => x.id === id) ?? ANALYSES[0];
    setValues(initialValues(fieldsOf(a.params)));
    setErrors({});
  };

  const run = async () => {
    const params = toParams(fields, values);
    const parsed = analysis.params.safeParse(params);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setErrors({});
    if (chosen === undefined) return;
    try {
      const extraDatasetIds = analysis.furtherInputs ? furtherIds.filter((id) => id !== chosen) : [];
      const run = await client.call('jobs.start', {
        projectId: props.projectId,
        datasetId: chosen,
        extraDatasetIds,
        analysis: analysis.id,
        params,
      });
      props.onStarted(run.id);
    } catch (e) {
      notify('error', `Could not start ${analysis.title}: ${messageOf(e)}`);
    }
  };

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, maxWidth: 980 }}>
      <Box sx={{ display: 'flex', gap: 1.5 }}>
        <TextField
          select
          label="Analysis"
          value={analysis.id}
          onChange={(e) => selectAnalysis(e.target.value)}
          sx={{ minWidth: 240 }}
          slotProps={{ htmlInput: { 'data-testid': 'analysis-select' } }}
        >
          {ANALYSES.map((a) => (
            <MenuItem key={a.id} value={a.id}>
              {a.title}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Recording"
          value={chosen ?? ''}
          onChange={(e) => setDatasetId(Number(e.target.value))}
          sx={{ minWidth: 360 }}
          disabled={props.datasets.length === 0}
          helperText={props.datasets.length === 0 ? 'add a recording first' : undefined}
        >
          {props.datasets.map((d) => (
            <MenuItem key={d.id} value={d.id}>
              {d.name}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {analysis.furtherInputs && (
        <Autocomplete
          multiple
          size="small"
          options={props.datasets.filter((d) => d.id !== chosen)}
          getOptionLabel={(d) => d.name}
          value={furtherIds.flatMap((id) => props.datasets.filter((d) => d.id === id && d.id !== chosen))}
          onChange={(_e, value) => setFurtherIds(value.map((d) => d.id))}
          renderInput={(params) => (
            <TextField {...params} label={analysis.furtherInputs?.label} helperText={analysis.furtherInputs?.help} />
          )}
          sx={{ maxWidth: 612 }}
          data-testid="further-inputs"
        />
      )}
      {chosenDataset?.fileState && <FileStateWarning state={chosenDataset.fileState} path={chosenDataset.path} />}
      <Paper variant="outlined" sx={{ p: 1.5 }}>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          {analysis.summary}
        </Typography>
        <AnalysisForm fields={fields} values={values} errors={errors} onChange={setValues} />
      </Paper>
      <Box>
        <Button variant="contained" startIcon={<PlayArrowIcon />} onClick={run} disabled={chosen === undefined} data-testid="run-analysis">
          Run {analysis.title.toLowerCase()}
        </Button>
      </Box>
    </Box>
  );
}
