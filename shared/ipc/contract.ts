/**
 * The typed contract between the renderer (or any client) and main: one entry per channel with a
 * zod schema for its input and a TypeScript type for its output, plus the event topics main pushes.
 * Main validates every input against these schemas before doing anything; both transports
 * (Electron IPC and the browser host's WebSocket) carry exactly these channels.
 */
import { z } from 'zod';
import type { AppInfo, LogLine } from '../domain/app.js';
import { PROVIDER_SETTINGS, type ExecutionProviderInfo } from '../domain/engine.js';
import type { Figure, FigureExport, FigureSummary } from '../domain/figure.js';
import type { NdArray } from '../domain/ndarray.js';
import type { Notebook, NotebookCell, NotebookSummary } from '../domain/notebook.js';
import type { Dataset, DatasetFileState, Project, Run, RunStatus, RunSummary } from '../domain/project.js';
import type { FileInfo } from '../domain/recording.js';
import type { FolderListing, RasterView, RoiView, SpikeView, TraceView, ViewerInfo } from '../domain/viewer.js';
import { EXPORT_FORMATS } from '../figures/presets.js';

/** Phantom carrier of a channel's output type; never holds a value at run time. */
interface Out<O> {
  readonly __output?: O;
}

function channel<I extends z.ZodType>(input: I) {
  return { returns: <O>() => ({ input, output: {} as Out<O> }) };
}

const id = z.int().positive();
const name = z.string().trim().min(1, 'a name is required').max(200, 'names are at most 200 characters');
const empty = z.object({}).strict();
const mm = z.number().positive().max(2000);
/** Page size, font and resolution overrides of a figure export (checked against the preset in main). */
const exportSize = { preset: z.string().min(1).optional(), widthMm: mm.optional(), heightMm: mm.optional(), fontPt: z.number().positive().max(100).optional() };
const composition = z
  .object({
    panels: z.array(id).min(1, 'a multi-panel figure needs at least one panel').max(26),
    columns: z.int().min(1).max(6),
    preset: z.string().min(1),
    widthMm: mm.optional(),
    heightMm: mm.optional(),
  })
  .strict();
const cellKind = z.enum(['markdown', 'run', 'figure']);
const markdown = z.string().max(200_000, 'a cell holds at most 200 000 characters');
/** A dataset's object to view ('' or absent: the dataset's own object). */
const viewTarget = { datasetId: id, object: z.string().optional() };
const indexRange = z.tuple([z.int().min(0), z.int().min(0)]);
/** Seconds. */
const timeWindow = z.tuple([z.number(), z.number()]);
const pixels = z.int().min(1).max(8192);

export const channels = {
  'app.info': channel(empty).returns<AppInfo>(),
  'engine.info': channel(empty).returns<ExecutionProviderInfo>(),
  'engine.setProvider': channel(z.object({ provider: z.enum(PROVIDER_SETTINGS) }).strict()).returns<ExecutionProviderInfo>(),

  'projects.list': channel(empty).returns<Project[]>(),
  'projects.create': channel(z.object({ name }).strict()).returns<Project>(),
  'projects.rename': channel(z.object({ id, name }).strict()).returns<Project>(),
  'projects.delete': channel(z.object({ id }).strict()).returns<{ deleted: true }>(),

  'datasets.list': channel(z.object({ projectId: id }).strict()).returns<Array<Dataset & { fileState: DatasetFileState }>>(),
  'datasets.add': channel(
    z
      .object({
        projectId: id,
        path: z.string().min(1),
        object: z.string().default(''),
        name: name.optional(),
        rate: z.number().positive().max(1e6).nullable().default(null),
      })
      .strict(),
  ).returns<Dataset>(),
  'datasets.remove': channel(z.object({ id }).strict()).returns<{ removed: true }>(),
  'files.inspect': channel(z.object({ path: z.string().min(1) }).strict()).returns<FileInfo>(),
  /** A folder's entries for the file browser (the user's home when no path is given). */
  'files.list': channel(z.object({ path: z.string().optional() }).strict()).returns<FolderListing>(),

  /** Views of a dataset's recording sized to the renderer's pixels: main never sends a whole recording. */
  'views.info': channel(z.object(viewTarget).strict()).returns<ViewerInfo>(),
  /** Min/max per neuron and pixel column; `coarse` answers from the overview only (while zooming). */
  'views.traces': channel(
    z.object({ ...viewTarget, neurons: indexRange, window: timeWindow, width: pixels, coarse: z.boolean().default(false) }).strict(),
  ).returns<TraceView>(),
  'views.raster': channel(
    z.object({ ...viewTarget, neurons: indexRange, window: timeWindow, width: pixels, height: pixels, coarse: z.boolean().default(false) }).strict(),
  ).returns<RasterView>(),
  'views.spikes': channel(z.object({ ...viewTarget, units: indexRange, window: timeWindow, width: pixels }).strict()).returns<SpikeView>(),
  'views.rois': channel(z.object(viewTarget).strict()).returns<RoiView>(),

  'runs.list': channel(z.object({ projectId: id }).strict()).returns<RunSummary[]>(),
  'runs.get': channel(z.object({ id }).strict()).returns<Run>(),
  'runs.array': channel(z.object({ id, name: z.string().min(1) }).strict()).returns<NdArray>(),
  'runs.delete': channel(z.object({ id }).strict()).returns<{ deleted: true }>(),

  'jobs.start': channel(
    z
      .object({
        projectId: id,
        datasetId: id,
        /** Further recordings for analyses that take several (sessions, animals), in order. */
        extraDatasetIds: z.array(id).max(64).default([]),
        analysis: z.string().min(1),
        params: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
  ).returns<RunSummary>(),
  'jobs.cancel': channel(z.object({ runId: id }).strict()).returns<{ status: RunStatus }>(),
  'jobs.active': channel(empty).returns<RunSummary[]>(),

  'figures.list': channel(z.object({ projectId: id, runId: id.optional() }).strict()).returns<FigureSummary[]>(),
  'figures.get': channel(z.object({ id }).strict()).returns<Figure>(),
  'figures.export': channel(
    z
      .object({
        figureId: id,
        format: z.enum(EXPORT_FORMATS),
        ...exportSize,
        dpi: z.int().positive().optional(),
        /** The figure file; relative paths and the default go to the data directory's exports folder. */
        out: z.string().trim().min(1).optional(),
      })
      .strict(),
  ).returns<FigureExport>(),
  'figures.exports': channel(z.object({ figureId: id }).strict()).returns<FigureExport[]>(),
  /** The print SVG of an export (exactly what a PDF/SVG export would contain), for previews. */
  'figures.render': channel(z.object({ figureId: id, ...exportSize }).strict()).returns<{ svg: string; widthMm: number; heightMm: number }>(),
  'figures.createComposite': channel(z.object({ projectId: id, title: name, composition }).strict()).returns<FigureSummary>(),
  'figures.updateComposite': channel(z.object({ id, title: name, composition }).strict()).returns<FigureSummary>(),
  'figures.deleteComposite': channel(z.object({ id }).strict()).returns<{ deleted: true }>(),

  'notebooks.list': channel(z.object({ projectId: id }).strict()).returns<NotebookSummary[]>(),
  'notebooks.create': channel(z.object({ projectId: id, title: name }).strict()).returns<NotebookSummary>(),
  'notebooks.rename': channel(z.object({ id, title: name }).strict()).returns<NotebookSummary>(),
  'notebooks.delete': channel(z.object({ id }).strict()).returns<{ deleted: true }>(),
  'notebooks.get': channel(z.object({ id }).strict()).returns<Notebook>(),
  /** Adds a cell; with position, content and history it also restores a deleted cell (undo). */
  'notebooks.addCell': channel(
    z
      .object({
        notebookId: id,
        kind: cellKind,
        content: markdown.default(''),
        runId: id.nullable().optional(),
        figureId: id.nullable().optional(),
        history: z.array(id).max(1000).default([]),
        position: z.int().min(0).optional(),
      })
      .strict(),
  ).returns<NotebookCell>(),
  'notebooks.updateCell': channel(z.object({ id, content: markdown }).strict()).returns<NotebookCell>(),
  'notebooks.moveCell': channel(z.object({ id, position: z.int().min(0) }).strict()).returns<NotebookCell>(),
  /** Deletes a cell and returns it as it was, so the client can undo by adding it back. */
  'notebooks.deleteCell': channel(z.object({ id }).strict()).returns<NotebookCell>(),
  /** Re-runs a run cell through the job system; the cell shows the new run, the old one joins its history. */
  'notebooks.rerunCell': channel(z.object({ id }).strict()).returns<NotebookCell>(),
  'notebooks.export': channel(z.object({ id, format: z.enum(['html', 'pdf']), out: z.string().trim().min(1).optional() }).strict()).returns<{
    path: string;
  }>(),
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
/** What a caller passes (defaults may be left out). */
export type Input<C extends Channel> = z.input<Channels[C]['input']>;
/** What a handler receives after validation (defaults filled in). */
export type Parsed<C extends Channel> = z.output<Channels[C]['input']>;
export type Output<C extends Channel> = NonNullable<Channels[C]['output']['__output']>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(channels, value);
}

/** Events main pushes to every connected client. */
export interface Events {
  'job.progress': { runId: number; fraction: number; message: string; objective: number | null };
  'job.state': RunSummary;
  log: LogLine;
}
export type Topic = keyof Events;
export const TOPICS: Topic[] = ['job.progress', 'job.state', 'log'];

/** Error shape that crosses the wire: a stable code and a message meant for the user. */
export interface WireError {
  code: 'invalid-input' | 'not-found' | 'conflict' | 'bad-data' | 'unknown-channel' | 'internal';
  message: string;
}

/** The one interface the renderer talks to; Electron's preload and the WebSocket client both implement it. */
export interface StudioClient {
  call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>>;
  on<T extends Topic>(topic: T, listener: (payload: Events[T]) => void): () => void;
  /** Which transport is in use, for the status bar only. */
  readonly transport: 'electron' | 'websocket';
}

export class StudioError extends Error {
  constructor(
    readonly code: WireError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}
