/**
 * Naming Docker engines without Docker: `--docker-host` values and hosts
 * files (bad input names the value, file and field), the environment every
 * docker call gets for its engine, which engines count as remote, and which
 * engines a host may load images from.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE, engineEnv } from '../../src/sandbox/docker-cli.js';
import {
  DockerHostError,
  isRemoteEngine,
  loadHostsFile,
  parseDockerHost,
  sharingImages,
} from '../../src/sandbox/engines.js';
import { assertGatewayReachable } from '../../src/sandbox/gateway-link.js';
import { tempDir } from '../helpers/tmp.js';

const scratch = tempDir('fb-engines-');

describe('--docker-host', () => {
  it('takes endpoints, contexts and default, with a concurrency and a TLS folder', () => {
    expect(parseDockerHost('ssh://ci@build-1')).toEqual({
      engine: { name: 'ssh://ci@build-1', host: 'ssh://ci@build-1' },
    });
    expect(parseDockerHost('unix:///run/docker2.sock,concurrency=3')).toEqual({
      engine: { name: 'unix:///run/docker2.sock', host: 'unix:///run/docker2.sock' },
      concurrency: 3,
    });
    expect(parseDockerHost('tcp://10.0.0.5:2376, certs=/etc/fb/certs')).toEqual({
      engine: { name: 'tcp://10.0.0.5:2376', host: 'tcp://10.0.0.5:2376', certPath: '/etc/fb/certs' },
    });
    expect(parseDockerHost('context:gpu-box')).toEqual({
      engine: { name: 'context:gpu-box', context: 'gpu-box' },
    });
    expect(parseDockerHost('default,concurrency=2')).toEqual({ engine: DEFAULT_ENGINE, concurrency: 2 });
  });

  it.each([
    ['build-1', /"build-1" is not a Docker endpoint/],
    ['http://build-1', /not a Docker endpoint/],
    ['ssh://b,concurrency=0', /concurrency=N \(N >= 1\)/],
    ['ssh://b,workers=2', /"workers=2" in "ssh:\/\/b,workers=2"/],
    ['context:', /not a Docker endpoint/],
  ])('refuses %s naming the value', (value, message) => {
    expect(() => parseDockerHost(value)).toThrow(DockerHostError);
    expect(() => parseDockerHost(value)).toThrow(message);
  });
});

describe('hosts files', () => {
  const file = (name: string, text: string) => {
    const p = path.join(scratch, name);
    writeFileSync(p, text);
    return p;
  };

  it('lists hosts and contexts with their concurrency', () => {
    const hosts = loadHostsFile(
      file(
        'ok.yaml',
        'hosts:\n  - host: ssh://ci@box-1\n    concurrency: 4\n  - context: gpu\n  - host: default\n',
      ),
    );
    expect(hosts).toEqual([
      { engine: { name: 'ssh://ci@box-1', host: 'ssh://ci@box-1' }, concurrency: 4 },
      { engine: { name: 'context:gpu', context: 'gpu' } },
      { engine: DEFAULT_ENGINE },
    ]);
  });

  it.each([
    ['empty.yaml', 'hosts: []\n', /empty\.yaml: hosts: expected a list/],
    [
      'both.yaml',
      'hosts:\n  - host: ssh://a\n    context: b\n',
      /both\.yaml: hosts\[0\]: give either host: or context:/,
    ],
    [
      'typo.yaml',
      'hosts:\n  - host: ssh://a\n    concurency: 2\n',
      /typo\.yaml: hosts\[0\]: unknown field concurency/,
    ],
    [
      'conc.yaml',
      'hosts:\n  - host: ssh://a\n    concurrency: two\n',
      /conc\.yaml: hosts\[0\]\.concurrency: expected an integer >= 1/,
    ],
    [
      'bad.yaml',
      'hosts:\n  - host: box-1\n',
      /bad\.yaml: hosts\[0\]\.host: "box-1" is not a Docker endpoint/,
    ],
    ['yaml.yaml', 'hosts: [\n', /yaml\.yaml: cannot read the hosts file/],
  ])('%s is refused naming the file and field', (name, text, message) => {
    expect(() => loadHostsFile(file(name, text))).toThrow(message);
  });
});

describe('the environment of a docker call', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("names the call's engine only, never the harness's DOCKER_HOST, context or secrets", () => {
    process.env.DOCKER_HOST = 'unix:///var/run/docker.sock';
    process.env.DOCKER_CONTEXT = 'mine';
    process.env.DOCKER_TLS_VERIFY = '1';
    process.env.OPENAI_API_KEY = 'sk-secret';
    expect(engineEnv(DEFAULT_ENGINE)).toMatchObject({
      DOCKER_HOST: 'unix:///var/run/docker.sock',
      DOCKER_CONTEXT: 'mine',
    });
    const ssh = engineEnv({ name: 'ssh://a', host: 'ssh://a' });
    expect(ssh.DOCKER_HOST).toBe('ssh://a');
    expect(ssh).not.toHaveProperty('DOCKER_CONTEXT');
    expect(ssh).not.toHaveProperty('DOCKER_TLS_VERIFY');
    expect(ssh).not.toHaveProperty('OPENAI_API_KEY');
    expect(engineEnv({ name: 'context:b', context: 'b' })).toMatchObject({ DOCKER_CONTEXT: 'b' });
    expect(engineEnv({ name: 'context:b', context: 'b' })).not.toHaveProperty('DOCKER_HOST');
    expect(engineEnv({ name: 'tcp://h:2376', host: 'tcp://h:2376', certPath: '/c' })).toMatchObject({
      DOCKER_HOST: 'tcp://h:2376',
      DOCKER_CERT_PATH: '/c',
      DOCKER_TLS_VERIFY: '1',
    });
  });
});

describe('remote engines', () => {
  it('are anything but a Unix socket; a sandbox agent is refused there with the reason', async () => {
    const ssh = { name: 'ssh://ci@box', host: 'ssh://ci@box' };
    const tcp = { name: 'tcp://10.0.0.5:2376', host: 'tcp://10.0.0.5:2376' };
    const unix = { name: 'unix:///run/d2.sock', host: 'unix:///run/d2.sock' };
    expect(await isRemoteEngine(ssh)).toBe(true);
    expect(await isRemoteEngine(tcp)).toBe(true);
    expect(await isRemoteEngine(unix)).toBe(false);
    await expect(assertGatewayReachable(ssh)).rejects.toThrow(
      /Unix socket on this machine, which the remote Docker engine ssh:\/\/ci@box cannot see/,
    );
    await expect(assertGatewayReachable(unix)).resolves.toBeUndefined();
  });
});

describe('sharing images in a pool', () => {
  it('lets each host load from the other hosts and the harness engine, never from itself', () => {
    const [a, b] = sharingImages([parseDockerHost('ssh://a'), parseDockerHost('ssh://b,concurrency=2')]);
    expect(a?.engine.loadFrom?.map((e) => e.name)).toEqual(['ssh://b', 'default']);
    expect(b?.engine.loadFrom?.map((e) => e.name)).toEqual(['ssh://a', 'default']);
    expect(b?.concurrency).toBe(2);
    const [d] = sharingImages([parseDockerHost('default')]);
    expect(d?.engine.loadFrom).toEqual([]);
  });
});
