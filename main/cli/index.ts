/**
 * `cajal`: the studio's services without a window, for scripts and batch runs. The command names,
 * flags and JSON outputs are a public contract: extend, never rename.
 */
import { FutureDatabaseError } from '../store/database.js';
import { UsageError } from './args.js';
import { exportFigure } from './commands/export-figure.js';
import { exportNotebook } from './commands/export-notebook.js';
import { info } from './commands/info.js';
import { inspect } from './commands/inspect.js';
import { projects } from './commands/projects.js';
import { run } from './commands/run.js';
import { serve } from './commands/serve.js';
import { processIO, type CliIO, type Command } from './context.js';

export const COMMANDS: Command[] = [info, serve, projects, inspect, run, exportFigure, exportNotebook];

function help(io: CliIO): void {
  io.out('usage: cajal <command> [options]\n');
  for (const c of COMMANDS) io.out(`  ${c.usage}\n      ${c.summary}`);
  io.out('\nThe data directory defaults to the platform app-data folder; set CAJAL_DATA_DIR to use another.');
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`cajal: unknown command '${name}' (try: ${COMMANDS.map((c) => c.name).join(', ')})`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cajal ${name}: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof FutureDatabaseError) {
      io.err(`cajal ${name}: ${error.message}`);
      return 3;
    }
    io.err(`cajal ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
