import type { Command } from 'commander';
import { type AgentSpec, BUILTIN_AGENT, loadAgent } from '../../agents/index.js';
import { type PlannedImage, plannedImages } from '../../orchestrator/index.js';
import {
  type ArchiveCompression,
  type DockerTarget,
  defaultCompression,
  ImageArchiveError,
  loadImageArchive,
  saveImageArchive,
} from '../../sandbox/index.js';
import { loadSuite } from '../../suites/index.js';
import { loadTask, type Task } from '../../tasks/index.js';
import { EXIT, info, printJson, table, UserError } from '../common.js';

/**
 * `factory-bench images list|save|load`: the Docker images a suite's runs use,
 * carried between CI jobs (or to other Docker hosts) as one archive in a
 * folder, for CI systems other than GitHub's (whose action does it by itself).
 */

interface Selection {
  suite?: string;
  task: string[];
  agent?: string;
}

interface TargetFlags {
  dockerHost?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function target(flags: TargetFlags): DockerTarget {
  return flags.dockerHost ? { dockerHost: flags.dockerHost } : {};
}

/** The tasks and agent named by --suite / --task / --agent. */
function select(flags: Selection): { tasks: Task[]; agent: AgentSpec } {
  const tasks: Task[] = [];
  let agent: AgentSpec = flags.agent ? loadAgent(flags.agent) : BUILTIN_AGENT;
  if (flags.suite) {
    const suite = loadSuite(flags.suite);
    tasks.push(...suite.tasks.map((t) => t.task));
    if (!flags.agent) agent = suite.defaults.agent;
  }
  for (const dir of flags.task) tasks.push(loadTask(dir));
  return { tasks, agent };
}

function selectionOptions(cmd: Command): Command {
  return cmd
    .option('--suite <file>', 'the images of this suite (its tasks, and its default agent unless --agent)')
    .option('--task <dir>', 'the images of this task (repeatable)', collect, [])
    .option('--agent <dir>', 'an agent folder: its images installed into the task images count too');
}

function dockerError(err: unknown): never {
  if (err instanceof ImageArchiveError)
    throw new UserError(err.message, err.kind === 'input' ? EXIT.usage : EXIT.error);
  throw err;
}

function row(i: PlannedImage): string[] {
  return [
    i.tag,
    i.role,
    i.named ? 'registry' : 'built here',
    i.present ? 'present' : 'missing',
    i.tasks.join(','),
  ];
}

export function registerImagesCommands(program: Command): void {
  const images = program
    .command('images')
    .description(
      'The Docker images of a suite, saved to and loaded from a folder to reuse them across CI jobs',
    )
    .addHelpText(
      'after',
      `
In CI without the GitHub Action (which caches images by itself), around the suite run:
  (restore DIR from your CI cache)
  factory-bench images load DIR            # nothing to do when DIR is empty or all images are here
  factory-bench suite run SUITE ...
  factory-bench images save DIR --suite SUITE
  (save DIR to your CI cache, keyed for example by the output of \`images list --suite SUITE --json\`)
--docker-host (or DOCKER_HOST) picks the engine, for example ssh://user@host for each host of a pool.`,
    );

  selectionOptions(images.command('list'))
    .description('List the images the runs of a suite (or tasks) use, and whether this engine has them')
    .option('--docker-host <url>', 'the Docker engine to look at (default: DOCKER_HOST, else the local one)')
    .option('--json', 'print JSON')
    .action(async (flags: Selection & TargetFlags & { json?: boolean }) => {
      if (!flags.suite && flags.task.length === 0)
        throw new UserError('images list: pass --suite FILE or --task DIR');
      const { tasks, agent } = select(flags);
      const plan = await plannedImages(tasks, agent, target(flags)).catch(dockerError);
      if (flags.json) return printJson(plan);
      process.stdout.write(`${table(['IMAGE', 'ROLE', 'SOURCE', 'HERE', 'TASKS'], plan.images.map(row))}\n`);
      for (const u of plan.unknown) info(`not known until built: ${u}`);
    });

  selectionOptions(
    images.command('save').argument('<dir>', 'folder to write the archive and its images.json into'),
  )
    .argument('[tags...]', 'images to save (default: the built images of --suite/--task that are present)')
    .description('Save images into one archive in a folder (layers they share are stored once)')
    .option('--compression <kind>', 'zstd, gzip or none (default: zstd when this Node.js has it, else gzip)')
    .option(
      '--docker-host <url>',
      'the Docker engine to save from (default: DOCKER_HOST, else the local one)',
    )
    .option('--json', 'print JSON')
    .action(
      async (
        dir: string,
        tags: string[],
        flags: Selection & TargetFlags & { compression?: string; json?: boolean },
      ) => {
        const compression = (flags.compression ?? defaultCompression()) as ArchiveCompression;
        if (!['zstd', 'gzip', 'none'].includes(compression))
          throw new UserError(
            `--compression: expected zstd, gzip or none, got ${JSON.stringify(flags.compression)}`,
          );
        const chosen = [...tags];
        if (flags.suite || flags.task.length > 0) {
          const { tasks, agent } = select(flags);
          const plan = await plannedImages(tasks, agent, target(flags)).catch(dockerError);
          const built = plan.images.filter((i) => !i.named);
          for (const i of built.filter((b) => !b.present))
            info(`not saved: ${i.tag} is not built yet (run the suite first)`);
          chosen.push(...built.filter((i) => i.present).map((i) => i.tag));
        }
        if (chosen.length === 0)
          throw new UserError(
            'images save: nothing to save (name images, or --suite/--task whose images are built)',
          );
        info(`saving ${new Set(chosen).size} image(s) to ${dir} (${compression})...`);
        const saved = await saveImageArchive(dir, chosen, { ...target(flags), compression }).catch(
          dockerError,
        );
        if (flags.json) return printJson({ dir, seconds: saved.seconds, ...saved.manifest });
        info(
          `saved ${saved.manifest.images.length} image(s), ${(saved.manifest.bytes / 1e6).toFixed(1)} MB, in ${saved.seconds.toFixed(1)} s: ${dir}/${saved.manifest.file}`,
        );
      },
    );

  images
    .command('load')
    .argument('<dir>', 'a folder written by `images save`')
    .description('Load the images of an archive into the engine (skipped when it has them all already)')
    .option(
      '--docker-host <url>',
      'the Docker engine to load into (default: DOCKER_HOST, else the local one)',
    )
    .option('--json', 'print JSON')
    .action(async (dir: string, flags: TargetFlags & { json?: boolean }) => {
      const loaded = await loadImageArchive(dir, target(flags)).catch(dockerError);
      if (flags.json)
        return printJson({ dir, loaded: loaded.loaded, present: loaded.present, seconds: loaded.seconds });
      info(
        loaded.loaded.length === 0
          ? `all ${loaded.present.length} image(s) of ${dir} are here already: nothing loaded`
          : `loaded ${loaded.loaded.length} image(s) in ${loaded.seconds.toFixed(1)} s (${loaded.present.length} were here already)`,
      );
      process.exitCode = EXIT.ok;
    });
}
