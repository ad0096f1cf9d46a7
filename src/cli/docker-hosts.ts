import type { Command } from 'commander';
import {
  type DockerHost,
  DockerHostError,
  loadHostsFile,
  parseDockerHost,
  probeEngine,
  sharingImages,
} from '../sandbox/index.js';
import { EXIT, UserError } from './common.js';

/** `--docker-host` (repeatable) and `--docker-hosts-file`, as every command that starts sandboxes has them. */
export interface DockerHostFlags {
  dockerHost: string[];
  dockerHostsFile?: string;
}

export const DOCKER_HOST_HELP =
  'a Docker engine to run sandboxes on: default (your own), unix:///path, ssh://[user@]host,\n' +
  'tcp://host:port or context:NAME, with optional ,concurrency=N and ,certs=DIR (TLS: ca.pem, cert.pem, key.pem)';

export function addDockerHostOptions(cmd: Command, repeatable = true): Command {
  return cmd
    .option(
      '--docker-host <host>',
      repeatable
        ? 'run sandboxes on this Docker engine; repeat to spread runs over several (see below)'
        : 'run the sandbox on this Docker engine (see below)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option(
      '--docker-hosts-file <file>',
      'YAML with hosts: [{ host: ssh://ci@box, concurrency: 4 }, { context: NAME }, ...]',
    );
}

/** The hosts the flags name (each may load images from the others and from your own engine); [] for none. */
export function dockerHostsOf(flags: DockerHostFlags): DockerHost[] {
  try {
    const hosts = [
      ...flags.dockerHost.map((h) => parseDockerHost(h)),
      ...(flags.dockerHostsFile ? loadHostsFile(flags.dockerHostsFile) : []),
    ];
    const names = hosts.map((h) => h.engine.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new DockerHostError(`--docker-host: ${twice} is named twice`);
    return sharingImages(hosts);
  } catch (err) {
    if (err instanceof DockerHostError) throw new UserError(err.message, EXIT.usage);
    throw err;
  }
}

/** The one host of a single run (undefined: your own engine), checked to answer before anything starts. */
export async function singleDockerHost(flags: DockerHostFlags): Promise<DockerHost | undefined> {
  const hosts = dockerHostsOf(flags);
  if (hosts.length > 1)
    throw new UserError(
      `this command runs one sandbox at a time: give one --docker-host, not ${hosts.length}`,
    );
  const host = hosts[0];
  if (!host) return undefined;
  const why = await probeEngine(host.engine);
  if (why) throw new UserError(`Docker host ${host.engine.name} does not answer: ${why}`, EXIT.error);
  return host;
}
