/**
 * A task's own choices reach the agent's container, and only those: capabilities it names are added
 * back after every one is dropped, and the open internet is a network only when the task asks.
 */
import { describe, expect, it } from 'vitest';
import { composeFile } from '../../src/sandbox/compose-file.js';
import { agentContainerConfig, dockerRunArgs } from '../../src/sandbox/container-config.js';
import type { SandboxSpec } from '../../src/sandbox/index.js';

const spec: SandboxSpec = {
  kind: 'docker',
  runId: 'unit-run',
  name: 'unit',
  workspaceHost: '/host/ws',
  workdir: '/app',
  image: 'factory-bench/unit:abc',
  resources: { cpus: 1, memory_mb: 512, pids: 100 },
  env: {},
};
const root = { spec: '0:0', uid: 0, gid: 0, home: '/root' };
const pairs = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe("the task's settings in the agent's container", () => {
  it('drops every capability, then adds back exactly the named ones (docker run and Compose)', () => {
    const asked = { ...spec, capabilities: ['CHOWN', 'SETUID', 'SYS_CHROOT'] };
    const args = dockerRunArgs(agentContainerConfig(asked, root), 'fb-unit');
    expect(pairs(args, '--cap-drop')).toEqual(['ALL']);
    expect(pairs(args, '--cap-add')).toEqual(['CHOWN', 'SETUID', 'SYS_CHROOT']);
    expect(pairs(args, '--security-opt')).toEqual(['no-new-privileges']);
    const file = composeFile({
      runId: 'unit-run',
      agent: agentContainerConfig(asked, root),
      services: [],
      egress: null,
    });
    const agent = (file.services as Record<string, Record<string, unknown>>).agent;
    expect(agent).toMatchObject({ cap_drop: ['ALL'], cap_add: ['CHOWN', 'SETUID', 'SYS_CHROOT'] });
    expect(pairs(dockerRunArgs(agentContainerConfig(spec, root), 'fb-unit'), '--cap-add')).toEqual([]);
  });

  it('joins a network with a way out only when the task asks for the internet (Compose)', () => {
    const agent = agentContainerConfig(spec, root);
    const closed = composeFile({ runId: 'unit-run', agent, services: [], egress: null });
    const open = composeFile({ runId: 'unit-run', agent, services: [], egress: null, internet: true });
    const agentOf = (f: Record<string, unknown>) =>
      (f.services as Record<string, Record<string, unknown>>).agent;
    expect(agentOf(closed)?.networks).toEqual(['internal']);
    expect(Object.keys(closed.networks as object)).toEqual(['internal']);
    expect(agentOf(open)?.networks).toEqual(['internal', 'outside']);
    expect((open.networks as Record<string, Record<string, unknown>>).outside?.internal).toBeUndefined();
    expect((open.networks as Record<string, Record<string, unknown>>).internal?.internal).toBe(true);
  });
});
