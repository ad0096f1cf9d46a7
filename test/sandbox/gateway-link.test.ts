/**
 * How a sandbox reaches the run's model gateway and nothing else, checked
 * without Docker: the forwarder's command and Compose service, the agent's
 * network, and the agent image's Dockerfile. (The real thing is tested in
 * test/agents/external-sandbox.docker.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { composeFile } from '../../src/sandbox/compose-file.js';
import { agentContainerConfig, dockerRunArgs } from '../../src/sandbox/container-config.js';
import {
  forwarderCommand,
  forwarderContainerName,
  GATEWAY_SERVICE,
  gatewayUrlInSandbox,
} from '../../src/sandbox/gateway-link.js';
import { agentDockerfile, type SandboxSpec } from '../../src/sandbox/index.js';

const spec: SandboxSpec = {
  kind: 'docker',
  runId: 'gw-run',
  name: 'gw',
  workspaceHost: '/host/ws',
  workdir: '/workspace',
  image: 'factory-bench/agent-x:abc-def',
  resources: { cpus: 1, memory_mb: 512, pids: 100 },
  env: {},
  modelGateway: { socketDir: '/tmp/fb-gw-abc' },
};
const user = { spec: '1001:1001', uid: 1001, gid: 1001, home: '/tmp' };

describe('the model gateway link', () => {
  it('Docker: the agent joins the forwarder, which listens on loopback only and forwards to the socket', () => {
    const args = dockerRunArgs(agentContainerConfig(spec, user), 'fb-gw-run', 'container:fb-gw-run-gw');
    expect(args[args.indexOf('--network') + 1]).toBe('container:fb-gw-run-gw');
    expect(forwarderContainerName('fb-gw-run')).toBe('fb-gw-run-gw');
    expect(forwarderCommand('loopback')).toEqual([
      'socat',
      'TCP-LISTEN:8080,bind=127.0.0.1,fork,reuseaddr',
      'UNIX-CONNECT:/run/fb-gateway/gateway.sock',
    ]);
    expect(gatewayUrlInSandbox('docker')).toBe('http://127.0.0.1:8080/v1');
    // Without a gateway nothing changes: no network at all.
    const plain = dockerRunArgs(agentContainerConfig(spec, user), 'fb-gw-run');
    expect(plain[plain.indexOf('--network') + 1]).toBe('none');
  });

  it('Compose: the forwarder is one more locked-down service on the internal network, bypassing the proxy', () => {
    const file = composeFile({
      runId: 'gw-run',
      agent: agentContainerConfig({ ...spec, kind: 'compose' }, user),
      services: [],
      egress: { image: 'factory-bench/egress:1', hosts: ['pypi.org'] },
      gateway: { image: 'factory-bench/gateway-forwarder:1', socketDir: '/tmp/fb-gw-abc' },
    });
    const services = file.services as Record<string, Record<string, unknown>>;
    const fwd = services[GATEWAY_SERVICE] as Record<string, unknown>;
    expect(fwd).toMatchObject({
      image: 'factory-bench/gateway-forwarder:1',
      volumes: ['/tmp/fb-gw-abc:/run/fb-gateway:ro'],
      read_only: true,
      cap_drop: ['ALL'],
      networks: ['internal'],
      command: ['socat', 'TCP-LISTEN:8080,fork,reuseaddr', 'UNIX-CONNECT:/run/fb-gateway/gateway.sock'],
    });
    expect(fwd).not.toHaveProperty('cap_add');
    const agentEnv = (services.agent as { environment: Record<string, string> }).environment;
    expect(agentEnv.NO_PROXY?.split(',')).toContain(GATEWAY_SERVICE);
    expect(gatewayUrlInSandbox('compose')).toBe('http://fb-gateway:8080/v1');
  });
});

describe('the agent image', () => {
  it('adds the agent folder to the task image, installs it as root, locks it, and keeps the image user', () => {
    const dockerfile = agentDockerfile({
      baseImage: 'factory-bench/ml-python:abc',
      user: 'agent',
      workdir: '/workspace',
      install: 'pip install -r requirements.txt\necho "done"',
      agentName: 'mine',
      agentHash: '0123456789abcdef',
    });
    expect(dockerfile.split('\n')).toEqual([
      'FROM factory-bench/ml-python:abc',
      'USER root',
      'COPY agent/ /opt/agent/',
      'WORKDIR /opt/agent',
      'RUN ["/bin/bash","-c","pip install -r requirements.txt\\necho \\"done\\""]',
      'RUN chmod -R a+rX,a-w /opt/agent',
      'WORKDIR /workspace',
      'LABEL factory-bench.image=1 factory-bench.agent="mine" factory-bench.agent-hash=0123456789abcdef',
      'USER agent',
      '',
    ]);
    expect(
      agentDockerfile({ baseImage: 'x', user: '', workdir: '', agentName: 'a', agentHash: 'h' }),
    ).not.toMatch(/^RUN \[|^USER (?!root)/m);
  });
});
