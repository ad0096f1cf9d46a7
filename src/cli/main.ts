import { Command, CommanderError } from 'commander';
import { flushAllIndexes, redact, registerEnvSecrets } from '../runs/index.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerGradeCommands } from './commands/grade.js';
import { registerImagesCommands } from './commands/images.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerPricingCommands } from './commands/pricing.js';
import { registerRunCommands } from './commands/run.js';
import { registerRunsCommands } from './commands/runs.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerSuiteCommands } from './commands/suite.js';
import { registerTaskCommands } from './commands/tasks.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerViewCommands } from './commands/view.js';
import { describeError, EXIT } from './common.js';

export function buildProgram(): Command {
  const program = new Command('factory-bench')
    .description('Evaluate LLM agents on ML-engineering tasks in Docker sandboxes (alias: mle-eval)')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerTaskCommands(program);
  registerRunCommands(program);
  registerMcpCommand(program);
  registerGradeCommands(program);
  registerPricingCommands(program);
  registerValidateCommand(program);
  registerSuiteCommands(program);
  registerCompareCommand(program);
  registerRunsCommands(program);
  registerSandboxCommands(program);
  registerImagesCommands(program);
  registerViewCommands(program);
  return program;
}

/**
 * Routes every write to stdout and stderr through redaction for as long as the
 * CLI runs, whatever printed it (summaries, --json, progress, warnings, errors),
 * so no registered secret reaches the terminal or a CI log. Returns the undo.
 */
export function redactTerminal(): () => void {
  // Before anything can print (a bad flag's message may echo a value); .env is registered when it is read.
  registerEnvSecrets();
  const undo: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    const redacting = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      let out = chunk;
      if (typeof chunk === 'string') out = redact(chunk);
      else if (chunk instanceof Uint8Array) {
        const text = Buffer.from(chunk).toString('utf8');
        const clean = redact(text);
        if (clean !== text) out = clean;
      }
      return (write as (...args: unknown[]) => boolean).call(this, out, ...rest);
    };
    stream.write = redacting as typeof stream.write;
    undo.push(() => {
      stream.write = write;
    });
  }
  return () => {
    for (const u of undo) u();
  };
}

/** Runs the CLI and returns the exit code; never lets a stack trace reach the user. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const unredact = redactTerminal();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { message, exitCode } = describeError(err);
    process.stderr.write(`factory-bench: ${message.split('\n').join('\nfactory-bench: ')}\n`);
    if (process.env.FACTORY_BENCH_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return exitCode;
  } finally {
    // Index rows still waiting to be saved (a run's), saved before the command ends.
    await flushAllIndexes().catch((err: Error) =>
      process.stderr.write(
        `factory-bench: warning: could not save runs.sqlite (${err.message}); the next command indexes these runs\n`,
      ),
    );
    unredact();
  }
}
