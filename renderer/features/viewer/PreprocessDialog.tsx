/**
 * Starts a preprocessing step (ΔF/F, z-score, neuropil subtraction, spike binning) on a dataset
 * through the job system; the form comes from the step's parameter schema. The result is stored
 * with the run and appears in the Data tab as a derived dataset.
 */
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Typography } from '@mui/material';
import { useMemo, useState } from 'react';
import { analysisDescriptor } from '../../../shared/analyses/index';
import type { Dataset, DatasetFileState } from '../../../shared/domain/project';
import { client } from '../../api';
import { messageOf, useNotify } from '../../app/notifications';
import { AnalysisForm } from '../analyses/AnalysisForm';
import { fieldsOf, initialValues, toParams, type FormValues } from '../analyses/schemaFields';
import { FileStateWarning } from './FileStateWarning';

export function PreprocessDialog(props: { analysisId: string; dataset: Dataset & { fileState: DatasetFileState }; onClose: () => void }) {
  const notify = useNotify();
  const analysis = analysisDescriptor(props.analysisId)!;
  const fields = useMemo(() => fieldsOf(analysis.params), [analysis]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const start = async () => {
    const params = toParams(fields, values);
    const parsed = analysis.params.safeParse(params);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setBusy(true);
    try {
      const run = await client.call('jobs.start', {
        projectId: props.dataset.projectId,
        datasetId: props.dataset.id,
        analysis: analysis.id,
        params,
      });
      notify('info', `${analysis.title} started (run ${run.id}); its result will be added to the Data tab`);
      props.onClose();
    } catch (e) {
      notify('error', `Could not start ${analysis.title}: ${messageOf(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={props.onClose} maxWidth="sm" fullWidth>
      <DialogTitle sx={{ fontSize: 15 }}>
        {analysis.title} · {props.dataset.name}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          {analysis.summary}
        </Typography>
        <FileStateWarning state={props.dataset.fileState} path={props.dataset.path} sx={{ mb: 1.5 }} />
        {fields.length > 0 ? (
          <AnalysisForm fields={fields} values={values} errors={errors} onChange={setValues} />
        ) : (
          <Alert severity="info" sx={{ py: 0 }}>
            No parameters.
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          variant="contained"
          onClick={start}
          disabled={busy || props.dataset.fileState === 'missing'}
          data-testid="start-preprocessing"
        >
          Run
        </Button>
      </DialogActions>
    </Dialog>
  );
}
