import { Alert, Box, Tab, Tabs, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import type { Project } from '../../../shared/domain/project';
import { useEvent, useQuery } from '../../api/hooks';
import { AnalysesPanel } from '../analyses/AnalysesPanel';
import { DatasetsPanel } from '../datasets/DatasetsPanel';
import { FiguresPanel } from '../figures/FiguresPanel';
import { NotebooksPanel } from '../notebooks/NotebooksPanel';
import { RunsPanel } from '../runs/RunsPanel';

export type ProjectTab = 'data' | 'analyses' | 'runs' | 'figures' | 'notebooks';

export function ProjectView(props: { project: Project; openRun: number | null; onOpenRun: (id: number | null) => void }) {
  const { project } = props;
  const [tab, setTab] = useState<ProjectTab>('data');
  const datasets = useQuery('datasets.list', { projectId: project.id });
  const runs = useQuery('runs.list', { projectId: project.id });
  const reloadRuns = runs.reload;
  const reloadDatasets = datasets.reload;
  useEvent('job.state', (run) => {
    if (run.projectId !== project.id) return;
    reloadRuns();
    // A finished preprocessing run adds a derived dataset.
    if (run.status === 'done') reloadDatasets();
  });
  useEffect(() => {
    if (props.openRun !== null) setTab('runs');
  }, [props.openRun]);

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'flex-end', px: 2, borderBottom: 1, borderColor: 'divider' }}>
        <Typography variant="h6" sx={{ mr: 3, pb: 0.75 }} data-testid="project-title">
          {project.name}
        </Typography>
        <Tabs value={tab} onChange={(_e, v: ProjectTab) => setTab(v)}>
          <Tab value="data" label={`Data (${datasets.data?.length ?? 0})`} />
          <Tab value="analyses" label="Analyses" />
          <Tab value="runs" label={`Runs (${runs.data?.length ?? 0})`} />
          <Tab value="figures" label="Figures" />
          <Tab value="notebooks" label="Notebooks" />
        </Tabs>
      </Box>
      <Box sx={{ flex: 1, overflow: 'auto', p: 2, minHeight: 0 }}>
        {datasets.error && <Alert severity="error">{datasets.error.message}</Alert>}
        {tab === 'data' && <DatasetsPanel projectId={project.id} datasets={datasets.data ?? []} onChanged={datasets.reload} />}
        {tab === 'analyses' && (
          <AnalysesPanel
            projectId={project.id}
            datasets={datasets.data ?? []}
            onStarted={(id) => {
              reloadRuns();
              props.onOpenRun(id);
              setTab('runs');
            }}
          />
        )}
        {tab === 'runs' && <RunsPanel runs={runs.data ?? []} selected={props.openRun} onSelect={props.onOpenRun} />}
        {tab === 'figures' && <FiguresPanel projectId={project.id} runs={runs.data ?? []} />}
        {tab === 'notebooks' && <NotebooksPanel projectId={project.id} runs={runs.data ?? []} />}
      </Box>
    </Box>
  );
}
