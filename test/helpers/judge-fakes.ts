import {
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  EMPTY_USAGE,
  type Usage,
} from '../../src/models/index.js';
import type { ExecRequest, ExecResult, SandboxRunner } from '../../src/sandbox/index.js';
import { SandboxError } from '../../src/sandbox/index.js';

/** A sandbox that answers execs from a handler and reads files from a map: for the pure grading logic. */
export class FakeSandbox implements SandboxRunner {
  readonly kind = 'docker' as const;
  readonly workdir = '/workspace';
  readonly files = new Map<string, string>();
  readonly execs: ExecRequest[] = [];
  constructor(
    private readonly handler: (req: ExecRequest) => Partial<ExecResult> | undefined = () => undefined,
  ) {}
  async start(): Promise<void> {}
  async resolvePath(p: string): Promise<string> {
    return p.startsWith('/') ? p : `${this.workdir}/${p}`;
  }
  async exec(req: ExecRequest): Promise<ExecResult> {
    this.execs.push(req);
    return {
      exitCode: 0,
      stdout: '',
      stderr: '',
      timedOut: false,
      truncatedBytes: { stdout: 0, stderr: 0 },
      durationMs: 1,
      ...this.handler(req),
    };
  }
  async readFile(p: string): Promise<Buffer> {
    const text = this.files.get(p);
    if (text === undefined)
      throw new SandboxError(`cannot read ${p}: cat: ${p}: No such file or directory`, 'path');
    return Buffer.from(text);
  }
  async writeFile(p: string, content: string | Buffer): Promise<void> {
    this.files.set(p, content.toString());
  }
  async copyIn(): Promise<void> {}
  async copyOut(): Promise<void> {}
  async saveWorkspace(): Promise<{ skipped: string[] }> {
    return { skipped: [] };
  }
  async newSession(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** A judge model that replies from a script and counts its calls. */
export class ScriptedJudge implements ChatModel {
  calls: ChatRequest[] = [];
  constructor(
    readonly name: string,
    private readonly replies: Array<string | Error>,
    readonly free = false,
    private readonly usage: Usage = { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 100 },
  ) {}
  async complete(req: ChatRequest): Promise<ChatResponse> {
    this.calls.push(req);
    const reply = this.replies[Math.min(this.calls.length - 1, this.replies.length - 1)];
    if (reply instanceof Error) throw reply;
    return {
      message: { role: 'assistant', content: reply ?? '' },
      usage: this.usage ?? EMPTY_USAGE,
      finishReason: 'stop',
    };
  }
}

/** An agent that runs a fixed list of bash commands, one per turn, then answers. */
export class ScriptedBashAgent implements ChatModel {
  readonly name = 'scripted/bash';
  readonly free = true;
  constructor(private readonly commands: string[]) {}
  async complete(req: ChatRequest): Promise<ChatResponse> {
    const done = req.messages.filter((m) => m.role === 'tool').length;
    const command = this.commands[done];
    if (command === undefined)
      return { message: { role: 'assistant', content: 'Done.' }, usage: EMPTY_USAGE, finishReason: 'stop' };
    return {
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: `call-${done}`, name: 'bash', arguments: JSON.stringify({ command }) }],
      },
      usage: EMPTY_USAGE,
      finishReason: 'tool_calls',
    };
  }
}
