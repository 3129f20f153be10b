/**
 * The studio shell: a slim header, the project sidebar, the project canvas with its tabs, the jobs
 * drawer on the right and a status bar.
 */
import DarkModeOutlinedIcon from '@mui/icons-material/DarkModeOutlined';
import LightModeOutlinedIcon from '@mui/icons-material/LightModeOutlined';
import PendingActionsIcon from '@mui/icons-material/PendingActions';
import { Badge, Box, CssBaseline, IconButton, ThemeProvider, Tooltip, Typography } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '../api/hooks';
import { JobsPanel } from '../features/jobs/JobsPanel';
import { useJobs } from '../features/jobs/useJobs';
import { ProjectSidebar } from '../features/projects/ProjectSidebar';
import { ProjectView } from '../features/projects/ProjectView';
import { NotificationsProvider } from './notifications';
import { StatusBar } from './StatusBar';
import { studioTheme, type Mode } from './theme';

const MODE_KEY = 'cajal.theme';
const PROJECT_KEY = 'cajal.project';

function Shell({ mode, onToggleMode }: { mode: Mode; onToggleMode: () => void }) {
  const projects = useQuery('projects.list', {});
  const [selected, setSelected] = useState<number | null>(() => Number(localStorage.getItem(PROJECT_KEY)) || null);
  const [openRun, setOpenRun] = useState<number | null>(null);
  const [jobsOpen, setJobsOpen] = useState(true);
  const { jobs, active } = useJobs();
  const list = projects.data ?? [];
  const project = list.find((p) => p.id === selected) ?? list[0] ?? null;
  useEffect(() => {
    if (project) localStorage.setItem(PROJECT_KEY, String(project.id));
  }, [project]);

  return (
    <Box sx={{ display: 'grid', gridTemplateRows: '40px 1fr 24px', height: '100vh' }}>
      <Box
        sx={{
          display: 'flex',
          alignItems: 'center',
          px: 1.5,
          gap: 1,
          borderBottom: 1,
          borderColor: 'divider',
          bgcolor: 'background.paper',
        }}
      >
        <img src="./icon.svg" width={20} height={20} alt="" />
        <Typography sx={{ fontWeight: 600, fontSize: 13.5, letterSpacing: 0.2 }}>Cajal Studio</Typography>
        <Box sx={{ flex: 1 }} />
        <Tooltip title={mode === 'dark' ? 'Light theme' : 'Dark theme'}>
          <IconButton aria-label="toggle theme" onClick={onToggleMode}>
            {mode === 'dark' ? <LightModeOutlinedIcon sx={{ fontSize: 18 }} /> : <DarkModeOutlinedIcon sx={{ fontSize: 18 }} />}
          </IconButton>
        </Tooltip>
        <Tooltip title="Jobs">
          <IconButton aria-label="jobs" onClick={() => setJobsOpen((o) => !o)}>
            <Badge badgeContent={active} color="primary">
              <PendingActionsIcon sx={{ fontSize: 18 }} />
            </Badge>
          </IconButton>
        </Tooltip>
      </Box>
      <Box sx={{ display: 'grid', gridTemplateColumns: `232px 1fr ${jobsOpen ? '300px' : '0px'}`, minHeight: 0 }}>
        <Box sx={{ borderRight: 1, borderColor: 'divider', bgcolor: 'background.paper', minHeight: 0 }}>
          <ProjectSidebar
            projects={list}
            selected={project?.id ?? null}
            onSelect={(id) => {
              setSelected(id);
              setOpenRun(null);
            }}
            onChanged={projects.reload}
          />
        </Box>
        <Box sx={{ minWidth: 0, minHeight: 0 }}>
          {project ? (
            <ProjectView key={project.id} project={project} openRun={openRun} onOpenRun={setOpenRun} />
          ) : (
            <Box sx={{ p: 4 }}>
              <Typography color="text.secondary">{projects.loading ? 'Loading…' : 'Create a project to start.'}</Typography>
            </Box>
          )}
        </Box>
        <Box sx={{ borderLeft: jobsOpen ? 1 : 0, borderColor: 'divider', bgcolor: 'background.paper', minHeight: 0, overflow: 'hidden' }}>
          {jobsOpen && (
            <JobsPanel
              jobs={jobs}
              onClose={() => setJobsOpen(false)}
              onOpen={(job) => {
                setSelected(job.projectId);
                setOpenRun(job.id);
              }}
            />
          )}
        </Box>
      </Box>
      <StatusBar activeJobs={active} />
    </Box>
  );
}

export function App() {
  const [mode, setMode] = useState<Mode>(() => (localStorage.getItem(MODE_KEY) === 'light' ? 'light' : 'dark'));
  const theme = useMemo(() => studioTheme(mode), [mode]);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <NotificationsProvider>
        <Shell
          mode={mode}
          onToggleMode={() => {
            const next = mode === 'dark' ? 'light' : 'dark';
            localStorage.setItem(MODE_KEY, next);
            setMode(next);
          }}
        />
      </NotificationsProvider>
    </ThemeProvider>
  );
}
