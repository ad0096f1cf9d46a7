import { chownSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { dockerCall } from './docker-cli.js';
import { PersistentShell } from './persistent-shell.js';
import { ShellSandbox } from './shell-sandbox.js';
import { SandboxError } from './types.js';
import { hostIds, type SandboxUser, sandboxUserFor } from './users.js';

/** Hands a host folder to the sandbox user (root harness only), and back. */
export function chownTree(root: string, uid: number, gid: number): void {
  const visit = (p: string): void => {
    const st = lstatSync(p);
    if (st.uid !== uid || st.gid !== gid) chownSync(p, uid, gid);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
  };
  try {
    visit(root);
  } catch (err) {
    throw new SandboxError(`cannot hand ${root} to uid ${uid}: ${(err as Error).message}`, 'start');
  }
}

/** A `docker exec -i ... bash` persistent shell into one container. */
export function containerShell(
  container: () => string,
  user: SandboxUser,
  workdir: string,
  requestedUser: string | undefined,
): PersistentShell {
  const execUser = requestedUser ?? user.spec;
  return new PersistentShell(
    [
      'docker',
      'exec',
      '-i',
      '-u',
      execUser,
      '-w',
      workdir,
      '-e',
      `HOME=${user.home}`,
      container(),
      'bash',
      '--noprofile',
      '--norc',
    ],
    {},
    async (pid) => {
      await dockerCall(['exec', '-u', execUser, container(), 'kill', '-KILL', String(pid)], {
        allowFailure: true,
        timeoutMs: 15_000,
        retries: 0,
      });
    },
  );
}

/**
 * What the Docker and Compose runners share: the agent's user (and the
 * workspace handed to it and back), and file copies through the agent's container.
 */
export abstract class ContainerSandbox extends ShellSandbox {
  private user: SandboxUser | null = null;
  private handedOver = false;

  /** The agent's container (name or id), once started. */
  protected abstract agentContainer(): string;

  /** The uid:gid the agent's commands run as (known after start). */
  get agentUser(): SandboxUser | null {
    return this.user;
  }

  protected requireUser(): SandboxUser {
    if (!this.user) throw new SandboxError('the sandbox is not started', 'start');
    return this.user;
  }

  /** Picks the agent's user for the image and, for a root harness, hands it the workspace. */
  protected async chooseUser(): Promise<SandboxUser> {
    const { image, workspaceHost } = this.spec;
    const user = await sandboxUserFor(image).catch((err: Error) => {
      throw new SandboxError(`cannot inspect image ${image}: ${err.message}`, 'start');
    });
    this.user = user;
    if (hostIds().uid === 0 && user.uid !== 0) {
      chownTree(workspaceHost, user.uid, user.gid);
      this.handedOver = true;
    }
    return user;
  }

  /** Gives the workspace back to the harness user; part of every teardown. */
  protected giveBack(): void {
    if (!this.handedOver) return;
    this.handedOver = false;
    const host = hostIds();
    chownTree(this.spec.workspaceHost, host.uid, host.gid);
  }

  async copyIn(hostPath: string, sandboxPath: string): Promise<void> {
    const parent = sandboxPath.replace(/\/[^/]*$/, '') || '/';
    const r = await this.exec({ cmd: ['mkdir', '-p', '--', parent], timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new SandboxError(`cannot create ${parent}: ${r.stderr.trim()}`, 'path');
    await dockerCall(['cp', hostPath, `${this.agentContainer()}:${sandboxPath}`]);
  }

  async copyOut(sandboxPath: string, hostPath: string): Promise<void> {
    await dockerCall(['cp', `${this.agentContainer()}:${sandboxPath}`, hostPath]);
  }
}
