import type { Command } from 'commander';
import { discoverTaskDirs, formatProblem, inspectTask, type Task, taskWarnings } from '../../tasks/index.js';
import { defaultTasksDir, EXIT, info, printJson, table } from '../common.js';

interface ImageChoice {
  kind: 'shared' | 'task' | 'image';
  /** The shared image's name, the task's own build context, or the named image. */
  name: string;
  build_context: string | null;
}

/** Which image the agent's container runs: a shared one, the task's own build, or a named image. */
function imageOf(task: Task): ImageChoice {
  const env = task.manifest.environment;
  if (env.shared_image)
    return { kind: 'shared', name: env.shared_image, build_context: task.paths.buildContext };
  if (env.dockerfile) return { kind: 'task', name: env.dockerfile, build_context: task.paths.buildContext };
  return { kind: 'image', name: env.image ?? '', build_context: null };
}

function describeImage(i: ImageChoice): string {
  if (i.kind === 'shared')
    return `image: shared image ${i.name} (factory-bench/${i.name}:<hash>, built from ${i.build_context ?? 'a folder not found'})`;
  if (i.kind === 'task') return `image: the task's own build context ${i.build_context ?? i.name}`;
  return `image: ${i.name}`;
}

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
              format: task.format,
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
              title: '(invalid task manifest)',
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
    .requiredOption('--task <dir>', 'task folder (our task.yaml, or a Harbor folder with task.toml)')
    .option('--json', 'print JSON')
    .action((opts: { task: string; json?: boolean }) => {
      const { task, problems, mapping } = inspectTask(opts.task);
      const warnings = task ? taskWarnings(task) : [];
      if (opts.json) {
        printJson({
          dir: task?.dir ?? null,
          format: task?.format ?? null,
          manifest: task?.manifest ?? null,
          paths: task?.paths ?? null,
          image: task ? imageOf(task) : null,
          ...(mapping ? { mapping } : {}),
          warnings,
          problems,
        });
      } else {
        if (task) {
          process.stdout.write(
            `# ${task.manifestPath}${task.format === 'harbor' ? ' (a Harbor task folder)' : ''}\n`,
          );
          printJson(task.manifest);
          info(describeImage(imageOf(task)));
        }
        if (mapping && mapping.length > 0) {
          info("Harbor's fields as factory-bench runs them:");
          for (const m of mapping) info(`  ${m.from} -> ${m.to}${m.note ? ` (${m.note})` : ''}`);
        }
        for (const w of warnings) info(`warning: ${w}`);
        if (problems.length === 0) info('no problems found');
        else for (const p of problems) info(`problem: ${formatProblem(p)}`);
      }
      if (problems.length > 0) process.exitCode = EXIT.usage;
    });
}
