import { Command, CommanderError } from 'commander';
import { registerCompareCommand } from './commands/compare.js';
import { registerGradeCommands } from './commands/grade.js';
import { registerPricingCommands } from './commands/pricing.js';
import { registerRunCommands } from './commands/run.js';
import { registerRunsCommands } from './commands/runs.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerSuiteCommands } from './commands/suite.js';
import { registerTaskCommands } from './commands/tasks.js';
import { registerValidateCommand } from './commands/validate.js';
import { describeError, EXIT } from './common.js';

export function buildProgram(): Command {
  const program = new Command('factory-bench')
    .description('Evaluate LLM agents on ML-engineering tasks in Docker sandboxes (alias: mle-eval)')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerTaskCommands(program);
  registerRunCommands(program);
  registerGradeCommands(program);
  registerPricingCommands(program);
  registerValidateCommand(program);
  registerSuiteCommands(program);
  registerCompareCommand(program);
  registerRunsCommands(program);
  registerSandboxCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code; never lets a stack trace reach the user. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
  }
}
