import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentContext } from '../../src/agents/index.js';
import { BudgetEnforcer } from '../../src/budgets/index.js';
import { CostTracker, type PricingTable } from '../../src/cost/index.js';
import {
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  EMPTY_USAGE,
  type ExchangeConfig,
  ModelGateway,
} from '../../src/models/index.js';
import { TranscriptWriter } from '../../src/runs/index.js';
import {
  type ExecRequest,
  type ExecResult,
  resolveHostPath,
  type SandboxRunner,
  shellQuote,
} from '../../src/sandbox/index.js';
import type { Budget, ToolName } from '../../src/tasks/index.js';
import { Toolbox } from '../../src/tools/index.js';

/**
 * A SandboxRunner on the host for pure-logic tests: the "sandbox path" of the
 * workspace is its host folder, commands run with bash, timeouts kill the
 * whole process group. No isolation at all: only for tests of our own code.
 */
export class HostSandbox implements SandboxRunner {
  // It stands in for a container in tests of agents and tools (never of grading, which needs one).
  readonly kind = 'docker' as const;
  execCalls = 0;
  constructor(readonly workdir: string) {
    mkdirSync(workdir, { recursive: true });
  }
  async start(): Promise<void> {}
  async newSession(): Promise<void> {}
  async stop(): Promise<void> {}
  async resolvePath(p: string): Promise<string> {
    return resolveHostPath(this.workdir, this.workdir, p);
  }
  exec(req: ExecRequest): Promise<ExecResult> {
    this.execCalls++;
    const started = Date.now();
    const body = typeof req.cmd === 'string' ? req.cmd : req.cmd.map(shellQuote).join(' ');
    return new Promise((resolve) => {
      const child = spawn('bash', ['-c', body], {
        cwd: req.cwd ?? this.workdir,
        detached: true,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...req.env },
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      // A command may exit without reading its stdin (`exit 1`, a killed python): the write then
      // fails with EPIPE, which is the command's business, not an error of the sandbox.
      child.stdin.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
      });
      child.stdin.end(req.stdin ?? '');
      const timer = req.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-(child.pid as number), 'SIGKILL');
            } catch {}
          }, req.timeoutMs)
        : undefined;
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({
          exitCode: timedOut ? 124 : (code ?? -1),
          stdout,
          stderr,
          timedOut,
          truncatedBytes: { stdout: 0, stderr: 0 },
          durationMs: Date.now() - started,
        });
      });
    });
  }
  async readFile(p: string): Promise<Buffer> {
    return readFileSync(p);
  }
  async writeFile(p: string, content: string | Buffer): Promise<void> {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  async copyIn(hostPath: string, p: string): Promise<void> {
    cpSync(hostPath, p, { recursive: true });
  }
  async copyOut(p: string, hostPath: string): Promise<void> {
    cpSync(p, hostPath, { recursive: true });
  }
  /** The workspace is a host folder already. */
  async saveWorkspace(): Promise<{ skipped: string[] }> {
    return { skipped: [] };
  }
}

type Step = ChatResponse | ((req: ChatRequest) => ChatResponse | Promise<ChatResponse>);

/** A chat model that replays scripted answers and records every request it saw. */
export class ScriptedModel implements ChatModel {
  readonly requests: ChatRequest[] = [];
  private next = 0;
  constructor(
    private readonly steps: Step[],
    readonly name = 'test/scripted',
    readonly free = false,
  ) {}
  async complete(req: ChatRequest): Promise<ChatResponse> {
    this.requests.push({ ...req, messages: [...req.messages] });
    const step = this.steps[Math.min(this.next++, this.steps.length - 1)];
    if (!step) throw new Error('no scripted step');
    return typeof step === 'function' ? step(req) : step;
  }
}

export function usage(input: number, output: number, cached = 0) {
  return { input_tokens: input, output_tokens: output, cached_input_tokens: cached };
}

/** An assistant reply with native tool calls: [name, argsJson] pairs. */
export function toolCalls(calls: Array<[string, string]>, u = EMPTY_USAGE): ChatResponse {
  return {
    message: {
      role: 'assistant',
      content: null,
      tool_calls: calls.map(([name, args], i) => ({ id: `c${i}-${name}`, name, arguments: args })),
    },
    usage: u,
    finishReason: 'tool_calls',
  };
}

export function text(content: string, u = EMPTY_USAGE): ChatResponse {
  return { message: { role: 'assistant', content }, usage: u, finishReason: 'stop' };
}

export const PRICES: PricingTable = {
  currency: 'USD',
  models: {
    'test/scripted': { input: 1, cached_input: 0.5, output: 2, as_of: '2026-11-01', source: 'test' },
  },
};

export const BIG_BUDGET: Budget = {
  max_tokens: 1_000_000,
  max_tool_calls: 100,
  max_wall_seconds: 600,
  max_cost_usd: 100,
};

/** A full agent context over a HostSandbox, with the transcript in `dir`. */
export function agentContext(
  dir: string,
  model: ChatModel,
  opts: {
    budget?: Partial<Budget>;
    tools?: ToolName[];
    maxTurns?: number;
    signal?: AbortSignal;
    toolTimeoutMs?: number;
    maxToolOutputBytes?: number;
    pricing?: PricingTable;
    exchanges?: ExchangeConfig;
    /** The workspace folder (default `dir/ws`); it is named in the system prompt. */
    workdir?: string;
  } = {},
): AgentContext & { sandbox: HostSandbox; transcriptPath: string; warnings: string[]; cost: CostTracker } {
  const transcriptPath = path.join(dir, 'transcript.jsonl');
  const warnings: string[] = [];
  const budget = new BudgetEnforcer({ ...BIG_BUDGET, ...opts.budget });
  const cost = new CostTracker(opts.pricing ?? PRICES, (m) => warnings.push(m));
  const transcript = new TranscriptWriter(transcriptPath);
  return {
    instructions: 'Do the task.',
    gateway: new ModelGateway({
      model,
      cost,
      budget,
      transcript,
      signal: opts.signal,
      exchanges: opts.exchanges ?? null,
    }),
    toolbox: new Toolbox(opts.tools ?? ['bash']),
    sandbox: new HostSandbox(opts.workdir ?? path.join(dir, 'ws')),
    budget,
    cost,
    transcript,
    maxTurns: opts.maxTurns ?? 10,
    toolTimeoutMs: opts.toolTimeoutMs ?? 30_000,
    maxToolOutputBytes: opts.maxToolOutputBytes ?? 16 * 1024,
    signal: opts.signal,
    transcriptPath,
    warnings,
  };
}

export function readTranscript(file: string): Array<Record<string, unknown> & { type: string }> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
