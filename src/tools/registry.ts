import { z } from 'zod';
import type { ToolSpec } from '../models/index.js';
import { SandboxError } from '../sandbox/index.js';
import type { ToolName } from '../tasks/index.js';
import { bashTool } from './bash.js';
import { gitDiffTool } from './git-diff.js';
import { pythonTool } from './python.js';
import { createTextEditorTool } from './text-editor.js';
import type { Tool, ToolContext, ToolResult } from './types.js';

/** Every tool, made fresh per run (text_editor keeps its undo history). */
const TOOL_FACTORIES: Record<ToolName, () => Tool<never>> = {
  bash: () => bashTool as Tool<never>,
  python: () => pythonTool as Tool<never>,
  text_editor: () => createTextEditorTool() as Tool<never>,
  git_diff: () => gitDiffTool as Tool<never>,
};

/** The tools enabled for one run: their schemas for the model, and validated, error-safe calls. */
export class Toolbox {
  private readonly tools: Map<string, Tool<never>>;
  constructor(names: readonly ToolName[]) {
    this.tools = new Map();
    for (const name of names) this.tools.set(name, TOOL_FACTORIES[name]());
  }

  get names(): string[] {
    return [...this.tools.keys()];
  }

  /** JSON Schemas for native tool calling, generated from the same zod schemas that validate. */
  specs(): ToolSpec[] {
    return [...this.tools.values()].map((t) => {
      const { $schema: _, ...parameters } = z.toJSONSchema(t.schema as z.ZodType) as Record<string, unknown>;
      return { name: t.name, description: t.description, parameters };
    });
  }

  /** Parses and validates raw JSON arguments, runs the tool, and turns every failure into a tool error. */
  async call(name: string, rawArgs: string | Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.tools.get(name);
    if (!tool) {
      return {
        output: '',
        error: {
          kind: 'not_found',
          message: `unknown tool ${JSON.stringify(name)}; available: ${this.names.join(', ')}`,
        },
      };
    }
    let parsedJson: unknown = rawArgs;
    if (typeof rawArgs === 'string') {
      try {
        parsedJson = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
      } catch (err) {
        return {
          output: '',
          error: {
            kind: 'invalid_arguments',
            message: `arguments are not valid JSON: ${(err as Error).message}`,
          },
        };
      }
    }
    const parsed = (tool.schema as z.ZodType).safeParse(parsedJson);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`)
        .join('; ');
      return { output: '', error: { kind: 'invalid_arguments', message: detail } };
    }
    try {
      return await tool.run(parsed.data as never, ctx);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const denied =
        (err instanceof SandboxError && err.kind === 'path') || /permission denied/i.test(message);
      const missing = /no such file or directory/i.test(message);
      return {
        output: '',
        error: { kind: denied ? 'permission' : missing ? 'not_found' : 'failed', message },
      };
    }
  }
}

/** The text the model receives for a tool result, errors included. */
export function renderToolResult(r: ToolResult): string {
  if (!r.error) return r.output || '(no output)';
  return [`ERROR (${r.error.kind}): ${r.error.message}`, r.output].filter(Boolean).join('\n');
}
