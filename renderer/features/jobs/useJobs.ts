/** Live view of jobs: active runs from main, kept current by job.state and job.progress events. */
import { useCallback, useEffect, useState } from 'react';
import type { RunSummary } from '../../../shared/domain/project';
import { client } from '../../api';
import { useEvent } from '../../api/hooks';

export interface JobView extends RunSummary {
  objectiveLive: number | null;
}

const RECENT = 8;

export function useJobs() {
  const [jobs, setJobs] = useState<Map<number, JobView>>(new Map());
  const upsert = useCallback((run: RunSummary, patch: Partial<JobView> = {}) => {
    setJobs((m) => {
      const next = new Map(m);
      const prev = next.get(run.id);
      next.set(run.id, { ...prev, ...run, objectiveLive: prev?.objectiveLive ?? run.objective, ...patch });
      // Keep every active job and only the most recent finished ones.
      const finished = [...next.values()].filter((j) => j.status !== 'running' && j.status !== 'queued').sort((a, b) => b.id - a.id);
      for (const old of finished.slice(RECENT)) next.delete(old.id);
      return next;
    });
  }, []);
  useEffect(() => {
    client.call('jobs.active', {}).then(
      (runs) => runs.forEach((r) => upsert(r)),
      () => {},
    );
  }, [upsert]);
  useEvent('job.state', (run) => upsert(run));
  useEvent('job.progress', (p) => {
    setJobs((m) => {
      const j = m.get(p.runId);
      if (!j) return m;
      const next = new Map(m);
      next.set(p.runId, { ...j, progress: p.fraction, message: p.message, objectiveLive: p.objective });
      return next;
    });
  });
  const list = [...jobs.values()].sort((a, b) => b.id - a.id);
  return { jobs: list, active: list.filter((j) => j.status === 'running' || j.status === 'queued').length };
}
