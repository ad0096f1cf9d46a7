import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import {
  AGENT_IGNORED_DIRS,
  type AgentContext,
  type AgentOutcome,
  type AgentSpec,
  ensureHostInstall,
  runAgent,
  runExternalAgent,
  runMcpStdioSession,
} from '../agents/index.js';
import type { BudgetKind } from '../budgets/index.js';
import { startGatewayServer } from '../models/index.js';
import {
  assertGatewayReachable,
  type DockerEngine,
  ensureAgentImage,
  GATEWAY_SOCKET_NAME,
  SandboxError,
  type SandboxKind,
} from '../sandbox/index.js';
import type { Task } from '../tasks/index.js';

/**
 * The agent phase of a run, for every kind of agent: the built-in loops, an
 * agent folder (in the sandbox or on the host, through the run's model
 * gateway), or an MCP client on stdio (`factory-bench mcp`).
 */

/** What an agent needs set up before the sandbox starts. */
export interface PreparedAgent {
  /** Turns the task's image into the image the sandbox runs (an agent installed into it). */
  deriveImage?: (image: string) => Promise<string>;
  /** A folder for the model gateway's Unix socket, mounted into the sandbox's forwarder only. */
  gatewaySocketDir: string | null;
  /** Removes what preparing made (the socket folder). */
  cleanup(): void;
}

/**
 * Installs a host agent (once per version), or plans the agent image for a
 * sandbox agent. Throws SandboxError
 * or AgentInstallError (environment errors).
 */
export async function prepareAgent(
  agent: AgentSpec,
  o: {
    sandboxKind: SandboxKind;
    logDir: string;
    notice?: ((m: string) => void) | undefined;
    /** The Docker engine the run's sandbox is on. */
    engine?: DockerEngine | undefined;
  },
): Promise<PreparedAgent> {
  const none: PreparedAgent = { gatewaySocketDir: null, cleanup: () => {} };
  if (agent.kind !== 'external') return none;
  const manifest = agent.manifest;
  if (manifest.runs_in === 'host') {
    await ensureHostInstall(agent, {
      logFile: path.join(o.logDir, 'agent-install.log'),
      ...(o.notice ? { notice: o.notice } : {}),
    });
    return none;
  }
  // Before the agent's image is built: its gateway needs a local engine (a remote one cannot see the socket).
  await assertGatewayReachable(o.engine);
  // Short and private: a Unix socket path has a length limit, and only the forwarder may reach it.
  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'fb-gw-'));
  const logFile = path.join(o.logDir, 'agent-image-build.log');
  return {
    gatewaySocketDir: socketDir,
    deriveImage: (image) =>
      ensureAgentImage({
        baseImage: image,
        agentDir: agent.dir,
        agentName: manifest.name,
        agentHash: agent.hash,
        skipDirs: AGENT_IGNORED_DIRS,
        install: manifest.install,
        installTimeoutMs: manifest.timeouts.install_seconds * 1000,
        logFile,
        onBuild: (tag) => o.notice?.(`installing agent ${manifest.name} into ${tag} (log: ${logFile})`),
        engine: o.engine,
      }),
    cleanup: () => rmSync(socketDir, { recursive: true, force: true }),
  };
}

export interface AgentPhaseContext extends AgentContext {
  agent: AgentSpec;
  task: Task;
  prepared: PreparedAgent;
  logDir: string;
  /** The stdio of an MCP client session (`factory-bench mcp`); default the process's own. */
  mcpIo?: { stdin?: Readable; stdout?: Writable };
}

/** Runs the agent until it ends or is stopped; never throws for an agent's failure. */
export async function runAgentPhase(ctx: AgentPhaseContext): Promise<AgentOutcome> {
  const agent = ctx.agent;
  if (agent.kind === 'builtin') return runAgent(ctx.task.manifest.tools.style, ctx);
  if (agent.kind === 'mcp-client')
    return runMcpStdioSession({ ...ctx, ...(ctx.mcpIo ? { io: ctx.mcpIo } : {}) });
  const onHost = agent.manifest.runs_in === 'host';
  const gateway = ctx.gateway;
  let unsubscribe: () => void = () => {};
  const breached = new Promise<BudgetKind>((resolve) => {
    unsubscribe = gateway.onBreach((b) => resolve(b.kind));
  });
  const socketDir = ctx.prepared.gatewaySocketDir;
  const server = await startGatewayServer(
    onHost || !socketDir
      ? { gateway, host: '127.0.0.1' }
      : { gateway, socketPath: path.join(socketDir, GATEWAY_SOCKET_NAME) },
  );
  try {
    const baseUrl = onHost ? server.url : ctx.sandbox.modelGatewayUrl;
    if (!baseUrl)
      throw new SandboxError('the sandbox was started without a way to its model gateway', 'start');
    return await runExternalAgent({
      ...ctx,
      agent,
      modelName: gateway.model.name,
      gateway: {
        baseUrl,
        token: server.token,
        breached,
        calls: () => gateway.calls,
        lastError: () =>
          gateway.lastError ? { kind: gateway.lastError.kind, message: gateway.lastError.message } : null,
      },
    });
  } finally {
    unsubscribe();
    await server.close();
  }
}
