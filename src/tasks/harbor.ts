import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { dockerfileWorkdir, mapCompose } from './harbor-environment.js';
import { type HarborTaskToml, harborTaskSchema, sizeToMb } from './harbor-schema.js';
import type { Task } from './load.js';
import { type ManifestProblem, zodProblems } from './problems.js';
import { DOCKER_DEFAULT_CAPABILITIES, taskManifestSchema, workdirProblem } from './schema.js';
import { checkTaskFiles } from './task-files.js';

/**
 * A Harbor task folder (Terminal-Bench 2) read as it is: `task.toml`,
 * `instruction.md`, `environment/` (Dockerfile, or a prebuilt
 * `docker_image`; `docker-compose.yaml` for sidecars), `solution/solve.sh`
 * and `tests/test.sh`. It becomes the same task model a `task.yaml` does;
 * the mapping below is the only place that knows Harbor's format.
 */

export const HARBOR_MANIFEST = 'task.toml';
/** Where Harbor's verifier reads the reward: the text file first, then the JSON one. */
export const HARBOR_REWARD_FILES = ['/logs/verifier/reward.txt', '/logs/verifier/reward.json'];
/** Where Harbor copies tests/ once the agent has stopped. */
export const HARBOR_TESTS_DIR = '/tests';
/** Terminal-Bench's working directory when the image does not say one. */
const DEFAULT_WORKDIR = '/app';

/** One line of `describe`'s mapping: a Harbor field, what it became, and why when it matters. */
export interface FieldMapping {
  from: string;
  to: string;
  note?: string;
}

/** A folder with Harbor's task.toml and without our task.yaml (which wins when both are there). */
export function isHarborFolder(dir: string): boolean {
  return existsSync(path.join(dir, HARBOR_MANIFEST)) && !existsSync(path.join(dir, 'task.yaml'));
}

function readToml(file: string): { raw: unknown; problem?: ManifestProblem } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { raw: null, problem: { file, field: '', message: `cannot read file (${code})` } };
  }
  try {
    return { raw: parseToml(text) };
  } catch (err) {
    const at = err instanceof TomlError ? ` at line ${err.line}, column ${err.column}` : '';
    const first = (err as Error).message.split('\n')[0];
    return { raw: null, problem: { file, field: '', message: `invalid TOML${at}: ${first}` } };
  }
}

/** `terminal-bench/configure-git-webserver` → `configure-git-webserver`, as a task id. */
function idFrom(name: string): string {
  return (name.split('/').at(-1) ?? name)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
}

/** Loads a Harbor task folder, with every problem found and the field mapping for `describe`. */
export function inspectHarborTask(dir: string): {
  task: Task | null;
  problems: ManifestProblem[];
  mapping: FieldMapping[];
} {
  const file = path.join(dir, HARBOR_MANIFEST);
  const mapping: FieldMapping[] = [];
  const { raw, problem } = readToml(file);
  if (problem) return { task: null, problems: [problem], mapping };
  const parsed = harborTaskSchema.safeParse(raw);
  if (!parsed.success) return { task: null, problems: zodProblems(file, parsed.error.issues, raw), mapping };
  const toml = parsed.data;
  const problems: ManifestProblem[] = [];
  const refuse = (field: string, message: string) => problems.push({ file, field, message });
  refuseUnsupported(toml, refuse);

  const instructionFile = path.join(dir, 'instruction.md');
  let instructions = '';
  if (!existsSync(instructionFile) || !statSync(instructionFile).isFile())
    problems.push({
      file: instructionFile,
      field: '',
      message: 'missing: a Harbor task needs instruction.md',
    });
  else instructions = readFileSync(instructionFile, 'utf8').trim();
  if (existsSync(instructionFile) && instructions === '')
    problems.push({ file: instructionFile, field: '', message: 'the instructions are empty' });
  if (!existsSync(path.join(dir, 'tests', 'test.sh')))
    problems.push({
      file: path.join(dir, 'tests'),
      field: '',
      message: 'missing: tests/test.sh (the verifier)',
    });

  const environmentMapping: FieldMapping[] = [];
  const environment = environmentOf(dir, toml, environmentMapping, problems);
  const name = toml.task?.name ?? path.basename(dir);
  const id = idFrom(name);
  if (!id) refuse('task.name', `${JSON.stringify(name)} gives no usable task id`);
  const difficulty = String(toml.metadata.difficulty ?? 'medium').toLowerCase();
  if (!['easy', 'medium', 'hard'].includes(difficulty))
    refuse(
      'metadata.difficulty',
      `expected one of "easy", "medium", "hard", got ${JSON.stringify(difficulty)}`,
    );
  const category = typeof toml.metadata.category === 'string' ? toml.metadata.category : null;
  const wall = toml.agent.timeout_sec ?? 600;

  mapping.push(
    { from: 'task.name', to: `id ${id}, title ${name}` },
    { from: 'instruction.md', to: 'instructions' },
    {
      from: 'metadata.difficulty',
      to: `difficulty ${difficulty}`,
      ...(toml.metadata.difficulty === undefined ? { note: 'not given: counted as medium' } : {}),
    },
    {
      from: 'metadata.category',
      to: `domain ${category ?? 'general'}`,
      ...(category ? {} : { note: 'not given' }),
    },
    { from: '[metadata], [task]', to: 'metadata (kept whole, shown in reports)' },
    {
      from: 'agent.timeout_sec',
      to: `budget.max_wall_seconds ${wall}`,
      ...(toml.agent.timeout_sec === undefined ? { note: "not given: factory-bench's default" } : {}),
    },
    {
      from: '(no Harbor field)',
      to: 'budget.max_tokens, max_tool_calls, max_cost_usd, agent.max_turns',
      note: "factory-bench's defaults; a suite or the run's flags set them",
    },
    { from: 'verifier.timeout_sec', to: `grader check verifier: timeout_s ${toml.verifier.timeout_sec}` },
    { from: 'verifier.env', to: 'grader.env' },
    {
      from: 'tests/',
      to: `copied to ${HARBOR_TESTS_DIR} after the agent stops; \`bash ${HARBOR_TESTS_DIR}/test.sh\` runs in the agent's container, its processes kept; the reward in ${HARBOR_REWARD_FILES.join(' (else ')}) is the score`,
    },
    { from: 'solution/solve.sh', to: 'the oracle, run as root', note: 'solution.env: the oracle run only' },
    ...environmentMapping,
  );

  const metadata: Record<string, unknown> = { ...toml.metadata };
  if (toml.task) {
    metadata.harbor_name = toml.task.name;
    if (toml.task.description) metadata.description = toml.task.description;
    if (toml.task.authors.length > 0) metadata.authors = toml.task.authors;
    if (toml.task.keywords.length > 0) metadata.keywords = toml.task.keywords;
  }
  if (toml.source) metadata.source = toml.source;
  const candidate = {
    id: id || 'task',
    title: name,
    difficulty: ['easy', 'medium', 'hard'].includes(difficulty) ? difficulty : 'medium',
    domain: category ?? 'general',
    instructions: instructions || '(missing)',
    metadata,
    workspace: null,
    environment,
    tools: { style: 'native', enabled: ['bash'] },
    budget: { max_wall_seconds: wall },
    grader: {
      fixtures: 'tests',
      fixtures_at: HARBOR_TESTS_DIR,
      keep_processes: true,
      env: toml.verifier.env,
      user: toml.verifier.user === undefined ? 'image' : String(toml.verifier.user),
      pass_threshold: 1,
      checks: [
        {
          name: 'verifier',
          type: 'reward_file',
          command: `bash ${HARBOR_TESTS_DIR}/test.sh`,
          path: HARBOR_REWARD_FILES,
          timeout_s: toml.verifier.timeout_sec,
        },
      ],
    },
    solution: 'solution',
    oracle: { user: 'root', env: toml.solution.env },
  };
  const manifest = taskManifestSchema.safeParse(candidate);
  if (!manifest.success) {
    // Whatever the Harbor schema let through but ours cannot hold: named in factory-bench's terms.
    for (const p of zodProblems(file, manifest.error.issues, candidate))
      problems.push({
        ...p,
        message: `${p.message} (as factory-bench's ${p.field || 'manifest'})`,
        field: '',
      });
    return { task: null, problems, mapping };
  }
  const checked = checkTaskFiles(file, dir, manifest.data);
  const task: Task = {
    dir,
    manifestPath: file,
    manifest: manifest.data,
    format: 'harbor',
    paths: checked.paths,
  };
  return { task, problems: [...problems, ...checked.problems], mapping };
}

/** Harbor features factory-bench does not run, each refused with the reason rather than ignored. */
function refuseUnsupported(toml: HarborTaskToml, refuse: (field: string, message: string) => void): void {
  const env = toml.environment;
  if (toml.artifacts.length > 0)
    refuse('artifacts', 'not supported: workspace_final/ keeps the working directory; collect files there');
  if (env.gpus > 0) refuse('environment.gpus', 'not supported: factory-bench sandboxes have no GPU');
  if (env.gpu_types && env.gpu_types.length > 0)
    refuse('environment.gpu_types', 'not supported: factory-bench sandboxes have no GPU');
  if (env.mcp_servers.length > 0)
    refuse(
      'environment.mcp_servers',
      "not supported yet: the agent's tools are the task's own (bash); an agent folder can bring its MCP clients",
    );
  if (env.skills_dir)
    refuse('environment.skills_dir', 'not supported: factory-bench agents have no skills folder');
  if (env.healthcheck !== undefined)
    refuse(
      'environment.healthcheck',
      "not supported yet for the agent's own container (sidecars may have one)",
    );
  for (const phase of ['agent', 'verifier'] as const)
    if (toml[phase].network_mode || toml[phase].allowed_hosts.length > 0)
      refuse(
        `${phase}.network_mode`,
        'not supported: one network policy holds for the whole run ([environment])',
      );
  for (const [table, values] of [
    ['environment.env', env.env],
    ['verifier.env', toml.verifier.env],
    ['solution.env', toml.solution.env],
  ] as const)
    for (const [key, value] of Object.entries(values))
      if (value.includes('${'))
        refuse(
          `${table}.${key}`,
          `templates (\`\${VAR}\`) read the harness's environment, which never reaches a sandbox; write the value out`,
        );
}

/** The environment table of the factory-bench manifest, with its mapping lines. */
function environmentOf(
  dir: string,
  toml: HarborTaskToml,
  mapping: FieldMapping[],
  problems: ManifestProblem[],
): Record<string, unknown> {
  const env = toml.environment;
  const file = path.join(dir, HARBOR_MANIFEST);
  const dockerfile = path.join(dir, 'environment', 'Dockerfile');
  const hasDockerfile = existsSync(dockerfile);
  const image: Record<string, string> = {};
  let workdir = DEFAULT_WORKDIR;
  if (env.docker_image) {
    image.image = env.docker_image;
    mapping.push({
      from: 'environment.docker_image',
      to: `environment.image ${env.docker_image}`,
      note: `${hasDockerfile ? 'environment/Dockerfile is not used (Harbor prefers the prebuilt image); ' : ''}working directory ${DEFAULT_WORKDIR} (Terminal-Bench's convention)`,
    });
  } else if (hasDockerfile) {
    image.dockerfile = 'environment';
    const found = dockerfileWorkdir(readFileSync(dockerfile, 'utf8'));
    if (found.workdir) workdir = found.workdir;
    const why = found.unresolved
      ? `WORKDIR ${found.unresolved} uses a variable: ${DEFAULT_WORKDIR} assumed`
      : found.workdir
        ? undefined
        : `no WORKDIR: ${DEFAULT_WORKDIR} assumed`;
    mapping.push(
      { from: 'environment/Dockerfile', to: 'environment.dockerfile environment' },
      { from: 'WORKDIR', to: `environment.workdir ${workdir}`, ...(why ? { note: why } : {}) },
    );
    const problem = workdirProblem(workdir);
    if (problem)
      problems.push({
        file: dockerfile,
        field: 'WORKDIR',
        message: `${workdir} cannot be the workspace: ${problem}`,
      });
  } else {
    problems.push({
      file,
      field: 'environment.docker_image',
      message: 'the task needs environment/Dockerfile or environment.docker_image',
    });
  }
  let memory = env.memory_mb;
  let storage = env.storage_mb;
  for (const [field, value, set] of [
    ['environment.memory', env.memory, (mb: number) => (memory = mb)],
    ['environment.storage', env.storage, (mb: number) => (storage = mb)],
  ] as const) {
    if (value === undefined) continue;
    const mb = sizeToMb(value);
    if (mb === null)
      problems.push({ file, field, message: `expected a size such as "2G" or "512M", got ${value}` });
    else set(mb);
  }
  mapping.push(
    { from: 'environment.cpus, memory_mb', to: `environment.resources: ${env.cpus} CPU, ${memory} MB` },
    {
      from: 'environment.storage_mb',
      to: `environment.resources.storage_mb ${storage}`,
      note: 'recorded, not enforced',
    },
    { from: 'environment.build_timeout_sec', to: `environment.build_timeout_s ${env.build_timeout_sec}` },
    { from: 'environment.env', to: 'environment.env' },
  );

  const network = networkOf(toml, mapping);
  const compose = composeOf(dir, mapping, problems);
  const user = toml.agent.user === undefined ? 'image' : String(toml.agent.user);
  mapping.push(
    {
      from: '(Harbor containers)',
      to: `environment.capabilities: Docker's default set (${DOCKER_DEFAULT_CAPABILITIES.join(', ')})`,
      note: "narrow them with `--capabilities` or a suite's `defaults.capabilities`",
    },
    {
      from: 'agent.user',
      to: `environment.user ${user}`,
      ...(toml.agent.user === undefined ? { note: "the image's USER, root when it has none" } : {}),
    },
  );
  return {
    ...image,
    workdir,
    resources: { cpus: env.cpus, memory_mb: memory, storage_mb: storage },
    services: compose.services,
    network,
    env: { ...compose.mainEnv, ...env.env },
    capabilities: [...DOCKER_DEFAULT_CAPABILITIES],
    user,
    build_timeout_s: env.build_timeout_sec,
  };
}

/** allow_internet (and network_mode): off unless the task asks; an allowlist goes through the egress proxy. */
function networkOf(toml: HarborTaskToml, mapping: FieldMapping[]): { allow: string[]; internet: boolean } {
  const env = toml.environment;
  const mode = env.network_mode ?? (env.allowed_hosts.length > 0 ? 'allowlist' : undefined);
  if (mode === 'allowlist') {
    mapping.push({
      from: 'environment.allowed_hosts',
      to: `environment.network.allow ${env.allowed_hosts.join(', ')}`,
    });
    return { allow: env.allowed_hosts, internet: false };
  }
  const internet = mode === 'public' || (mode === undefined && env.allow_internet === true);
  mapping.push({
    from: mode ? 'environment.network_mode' : 'environment.allow_internet',
    to: `environment.network.internet ${internet}`,
    note:
      mode === undefined && env.allow_internet === undefined
        ? "not given: off (Harbor's default is on; factory-bench opens the internet only when a task asks)"
        : 'the run report states it',
  });
  return { allow: [], internet };
}

function composeOf(
  dir: string,
  mapping: FieldMapping[],
  problems: ManifestProblem[],
): { services: Record<string, unknown>; mainEnv: Record<string, string> } {
  const file = ['docker-compose.yaml', 'docker-compose.yml']
    .map((n) => path.join(dir, 'environment', n))
    .find((f) => existsSync(f));
  if (!file) return { services: {}, mainEnv: {} };
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push({ file, field: '', message: `invalid YAML: ${(err as Error).message.split('\n')[0]}` });
    return { services: {}, mainEnv: {} };
  }
  const mapped = mapCompose(doc, 'environment');
  for (const p of mapped.problems) problems.push({ file, field: p.field, message: p.message });
  const names = Object.keys(mapped.services);
  mapping.push({
    from: 'environment/docker-compose.yaml',
    to: names.length > 0 ? `environment.services ${names.join(', ')} (the Compose runner)` : 'no sidecars',
    note: ["services.main: the agent's container (its environment kept)", ...mapped.notes].join('; '),
  });
  return { services: mapped.services, mainEnv: mapped.mainEnv };
}
