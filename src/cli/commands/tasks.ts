import type { Command } from 'commander';
import { discoverTaskDirs, formatProblem, inspectTask } from '../../tasks/index.js';
import { defaultTasksDir, EXIT, info, printJson, table } from '../common.js';

export function registerTaskCommands(program: Command): void {
  program
    .command('list-tasks')
    .description('List the tasks in a tasks folder')
    .option('--tasks-dir <dir>', 'folder of task folders (default: ./tasks, else the built-in tasks)')
    .option('--json', 'print JSON')
    .action((opts: { tasksDir?: string; json?: boolean }) => {
      const root = opts.tasksDir ?? defaultTasksDir();
      const rows = discoverTaskDirs(root).map((dir) => {
        const { task, problems } = inspectTask(dir);
        return task
          ? {
              id: task.manifest.id,
              difficulty: task.manifest.difficulty,
              domain: task.manifest.domain,
              title: task.manifest.title,
              dir,
              problems: problems.map(formatProblem),
            }
          : {
              id: dir.split('/').pop() ?? dir,
              difficulty: '?',
              domain: '?',
              title: '(invalid task.yaml)',
              dir,
              problems: problems.map(formatProblem),
            };
      });
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return info(`no tasks found in ${root}`);
      process.stdout.write(
        `${table(
          ['ID', 'DIFFICULTY', 'DOMAIN', 'TITLE'],
          rows.map((r) => [r.id, r.difficulty, r.domain, r.title]),
        )}\n`,
      );
      const broken = rows.filter((r) => r.problems.length > 0);
      if (broken.length > 0) {
        info(`\n${broken.length} task(s) have problems; run \`factory-bench describe --task DIR\`:`);
        for (const r of broken) info(`  ${r.problems[0]}`);
        process.exitCode = EXIT.usage;
      }
    });

  program
    .command('describe')
    .description('Print a task manifest with defaults resolved, and every validation problem')
    .requiredOption('--task <dir>', 'task folder (or its task.yaml)')
    .option('--json', 'print JSON')
    .action((opts: { task: string; json?: boolean }) => {
      const { task, problems } = inspectTask(opts.task);
      if (opts.json) {
        printJson({
          dir: task?.dir ?? null,
          manifest: task?.manifest ?? null,
          paths: task?.paths ?? null,
          problems,
        });
      } else {
        if (task) {
          process.stdout.write(`# ${task.manifestPath}\n`);
          printJson(task.manifest);
        }
        if (problems.length === 0) info('no problems found');
        else for (const p of problems) info(`problem: ${formatProblem(p)}`);
      }
      if (problems.length > 0) process.exitCode = EXIT.usage;
    });
}
