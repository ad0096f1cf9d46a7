import { z } from 'zod';
import { capOutput, SandboxError } from '../sandbox/index.js';
import {
  type ConfinedFailure,
  ConfinedFileError,
  describeFailure,
  listConfined,
  readConfined,
  removeConfined,
  writeConfined,
} from './confined-files.js';
import type { Tool, ToolContext, ToolResult } from './types.js';

const textEditorArgs = z
  .object({
    command: z
      .enum(['view', 'create', 'str_replace', 'insert', 'undo_edit'])
      .describe(
        'view: show a file with line numbers (or list a folder); create: write a file (replacing it if it exists); ' +
          'str_replace: replace old_str, which must occur exactly once, by new_str; ' +
          'insert: insert new_str after line insert_line (0 = top); undo_edit: revert the last edit of path.',
      ),
    path: z.string().min(1).describe('A file or folder in the workspace, relative or absolute.'),
    view_range: z
      .array(z.number().int())
      .length(2)
      .optional()
      .describe('For view: [first, last] line, 1-based and inclusive; last -1 means the end of the file.'),
    file_text: z.string().optional().describe('For create: the whole content of the file.'),
    old_str: z.string().optional().describe('For str_replace: the exact text to replace.'),
    new_str: z.string().optional().describe('For str_replace and insert: the new text.'),
    insert_line: z.number().int().min(0).optional().describe('For insert: the line after which to insert.'),
  })
  .strict()
  .superRefine((a, ctx) => {
    const need = (field: keyof typeof a) => {
      if (a[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `required for command ${a.command}` });
    };
    if (a.command === 'create') need('file_text');
    if (a.command === 'str_replace') {
      need('old_str');
      need('new_str');
      if (a.old_str === '') ctx.addIssue({ code: 'custom', path: ['old_str'], message: 'must not be empty' });
    }
    if (a.command === 'insert') {
      need('insert_line');
      need('new_str');
    }
  });

type TextEditorArgs = z.infer<typeof textEditorArgs>;

/** Lines kept around an edit when showing its result. */
const SNIPPET_CONTEXT = 4;

/**
 * A file editor for the agent, confined to the workspace through the
 * sandbox's resolvePath. Every edit remembers the previous content so that
 * undo_edit can restore it (per file, several levels). One instance per run.
 */
export function createTextEditorTool(): Tool<TextEditorArgs> {
  const history = new Map<string, Array<string | null>>();

  const remember = (file: string, previous: string | null): void => {
    const stack = history.get(file) ?? [];
    stack.push(previous);
    history.set(file, stack);
  };

  return {
    name: 'text_editor',
    description:
      'View, create and edit files in the workspace. view shows numbered lines (use view_range for part of ' +
      'a long file) or lists a folder; str_replace needs old_str to match exactly once; undo_edit reverts.',
    schema: textEditorArgs,
    async run(args, ctx) {
      let file: string;
      try {
        file = await ctx.sandbox.resolvePath(args.path);
      } catch (err) {
        if (err instanceof SandboxError) return fail('permission', err.message);
        throw err;
      }
      // resolvePath is only the first check: every read and write below checks the file it opened.
      try {
        return await edit(args, ctx, file);
      } catch (err) {
        if (err instanceof BinaryFileError) return fail('invalid_arguments', err.message);
        if (err instanceof ConfinedFileError)
          return fail(KIND_OF[err.failure], describeFailure(err.failure, args.path));
        throw err;
      }
    },
  };

  async function edit(args: TextEditorArgs, ctx: ToolContext, file: string): Promise<ToolResult> {
    const { sandbox, timeoutMs } = ctx;
    switch (args.command) {
      case 'view': {
        const text = await readTextOrFolder(ctx, file);
        return text === FOLDER ? listFolder(ctx, file) : viewFile(ctx, text, args.view_range);
      }
      case 'create': {
        const previous = await readTextOrNull(ctx, file);
        if (previous === FOLDER) return fail('invalid_arguments', `${args.path} is a folder`);
        await writeConfined(sandbox, file, args.file_text ?? '', timeoutMs);
        remember(file, previous);
        const lines = lineCount(args.file_text ?? '');
        return { output: `${previous === null ? 'Created' : 'Overwrote'} ${file} (${lines} lines).` };
      }
      case 'str_replace':
      case 'insert': {
        const before = await readTextOrFolder(ctx, file);
        if (before === FOLDER) return fail('invalid_arguments', `${args.path} is a folder`);
        const changed = args.command === 'str_replace' ? replaceOnce(before, args) : insertAt(before, args);
        if (typeof changed === 'string') return fail('invalid_arguments', changed);
        await writeConfined(sandbox, file, changed.text, timeoutMs);
        remember(file, before);
        return {
          output: `Edited ${file}. The changed region now reads:\n${numbered(changed.text, changed.firstLine - SNIPPET_CONTEXT, changed.lastLine + SNIPPET_CONTEXT)}`,
        };
      }
      case 'undo_edit': {
        const stack = history.get(file);
        if (!stack || stack.length === 0) return fail('invalid_arguments', `no edit of ${file} to undo`);
        const previous = stack.pop() as string | null;
        if (previous === null) {
          await removeConfined(sandbox, file, timeoutMs);
          return { output: `Undid the creation of ${file}: it is removed.` };
        }
        await writeConfined(sandbox, file, previous, timeoutMs);
        return { output: `Restored ${file} to its content before the last edit.` };
      }
    }
  }
}

const KIND_OF: Record<ConfinedFailure, NonNullable<ToolResult['error']>['kind']> = {
  not_found: 'not_found',
  outside: 'permission',
  denied: 'permission',
  is_folder: 'invalid_arguments',
  not_regular: 'invalid_arguments',
  too_large: 'invalid_arguments',
};

const FOLDER = Symbol('folder');

/** The file's text, or FOLDER; a missing file is a not_found error. */
async function readTextOrFolder(ctx: ToolContext, file: string): Promise<string | typeof FOLDER> {
  let bytes: Buffer;
  try {
    bytes = await readConfined(ctx.sandbox, file, ctx.timeoutMs);
  } catch (err) {
    if (err instanceof ConfinedFileError && err.failure === 'is_folder') return FOLDER;
    throw err;
  }
  if (bytes.includes(0)) throw new BinaryFileError(file, bytes.length);
  return bytes.toString('utf8');
}

/** Like readTextOrFolder, with null for a file that does not exist yet. */
async function readTextOrNull(ctx: ToolContext, file: string): Promise<string | typeof FOLDER | null> {
  try {
    return await readTextOrFolder(ctx, file);
  } catch (err) {
    if (err instanceof ConfinedFileError && err.failure === 'not_found') return null;
    throw err;
  }
}

function fail(kind: NonNullable<ToolResult['error']>['kind'], message: string): ToolResult {
  return { output: '', error: { kind, message } };
}

class BinaryFileError extends Error {
  constructor(file: string, bytes: number) {
    super(`${file} is a binary file (${bytes} bytes); the text editor only handles text`);
  }
}

function viewFile(ctx: ToolContext, text: string, range?: number[]): ToolResult {
  const total = lineCount(text);
  let [first, last] = range ?? [1, -1];
  first = first ?? 1;
  last = last === undefined || last === -1 ? total : last;
  if (first < 1 || first > total || last < first || last > total)
    return fail(
      'invalid_arguments',
      `view_range [${range?.join(', ')}] is outside the file's lines 1..${total}`,
    );
  const body = numbered(text, first, last);
  const c = capOutput(body, ctx.maxOutputBytes);
  if (c.cutBytes === 0) return { output: body };
  return {
    output: `${c.text}\n[${c.cutBytes} bytes of lines ${first}-${last} not shown: view a smaller view_range]`,
  };
}

async function listFolder(ctx: ToolContext, dir: string): Promise<ToolResult> {
  const names = await listConfined(ctx.sandbox, dir, ctx.timeoutMs);
  const listing = names.map((n) => `${dir === '/' ? '' : dir}/${n}`).join('\n');
  return { output: `Files and folders in ${dir}, two levels deep:\n${listing}` };
}

/** Lines in a text; a final newline ends the last line rather than starting an empty one. */
function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Lines first..last (1-based, clipped), each prefixed by its number. */
function numbered(text: string, first: number, last: number): string {
  const lines = text.split('\n');
  const from = Math.max(1, first);
  const to = Math.min(lineCount(text), last);
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${String(n).padStart(6)}\t${lines[n - 1]}`);
  return out.join('\n');
}

interface Edit {
  text: string;
  firstLine: number;
  lastLine: number;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function replaceOnce(text: string, args: TextEditorArgs): Edit | string {
  const oldStr = args.old_str ?? '';
  const newStr = args.new_str ?? '';
  const at: number[] = [];
  for (let i = text.indexOf(oldStr); i >= 0; i = text.indexOf(oldStr, i + 1)) at.push(i);
  if (at.length === 0) return 'old_str does not occur in the file; view the file and copy the text exactly';
  if (at.length > 1)
    return `old_str occurs ${at.length} times (lines ${at.map((i) => lineOf(text, i)).join(', ')}); include more surrounding text so that it is unique`;
  const index = at[0] as number;
  const result = text.slice(0, index) + newStr + text.slice(index + oldStr.length);
  const firstLine = lineOf(text, index);
  return { text: result, firstLine, lastLine: firstLine + newStr.split('\n').length - 1 };
}

function insertAt(text: string, args: TextEditorArgs): Edit | string {
  const lines = text.split('\n');
  const after = args.insert_line ?? 0;
  if (after > lineCount(text))
    return `insert_line ${after} is past the end of the file (${lineCount(text)} lines)`;
  const added = (args.new_str ?? '').split('\n');
  lines.splice(after, 0, ...added);
  return { text: lines.join('\n'), firstLine: after + 1, lastLine: after + added.length };
}
