import path from 'node:path';
import type { AgentSpec } from '../agents/index.js';
import {
  agentImageTag,
  builtImageTag,
  type DockerTarget,
  egressImageTag,
  forwarderImageTag,
  localImageIds,
} from '../sandbox/index.js';
import type { Task } from '../tasks/index.js';

/**
 * The images runs of some tasks with an agent will use, named as openSandbox,
 * the Compose runner and the agent phase name them, without building
 * anything: what `factory-bench images list|save` and a CI cache work with.
 */

export type ImageRole = 'task' | 'service' | 'agent' | 'gateway-forwarder' | 'egress-proxy';

export interface PlannedImage {
  tag: string;
  role: ImageRole;
  /** Named by a task (`environment.image`, a service's `image`): comes from a registry, not built here. */
  named: boolean;
  /** Whether the engine has it now. */
  present: boolean;
  /** The tasks that use it. */
  tasks: string[];
}

export interface ImagePlan {
  images: PlannedImage[];
  /** Images whose tag cannot be known yet (an agent image on a task image not built yet), said in words. */
  unknown: string[];
}

export async function plannedImages(
  tasks: readonly Task[],
  agent: AgentSpec,
  target: DockerTarget = {},
): Promise<ImagePlan> {
  const ids = await localImageIds(target);
  const byTag = new Map<string, PlannedImage>();
  const unknown: string[] = [];
  const add = (tag: string, role: ImageRole, taskId: string, named = false): void => {
    const known = byTag.get(tag);
    if (known) {
      if (!known.tasks.includes(taskId)) known.tasks.push(taskId);
      return;
    }
    byTag.set(tag, { tag, role, named, present: ids.has(tag), tasks: [taskId] });
  };
  const inSandbox = agent.kind === 'external' && agent.manifest.runs_in === 'sandbox';
  for (const task of tasks) {
    const { manifest } = task;
    const env = manifest.environment;
    const id = manifest.id;
    const taskTag = env.image
      ? env.image
      : task.paths.buildContext
        ? builtImageTag(env.shared_image ?? id, task.paths.buildContext)
        : null;
    if (taskTag) add(taskTag, 'task', id, Boolean(env.image));
    for (const [name, service] of Object.entries(env.services)) {
      if (service.build)
        add(builtImageTag(`${id}-${name}`, path.resolve(task.dir, service.build)), 'service', id);
      else if (service.image) add(service.image, 'service', id, true);
    }
    const names = new Set(Object.keys(env.services));
    if (env.network.allow.some((host) => !names.has(host))) add(egressImageTag(), 'egress-proxy', id);
    if (inSandbox && agent.kind === 'external') {
      add(forwarderImageTag(), 'gateway-forwarder', id);
      const baseId = taskTag ? ids.get(taskTag) : undefined;
      if (baseId) add(agentImageTag(baseId, agent.manifest.name, agent.hash), 'agent', id);
      else unknown.push(`agent ${agent.manifest.name} installed into ${taskTag ?? id} (not built yet)`);
    }
  }
  return { images: [...byTag.values()], unknown: [...new Set(unknown)] };
}
