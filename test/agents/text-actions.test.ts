import { describe, expect, it } from 'vitest';
import { parseJsonActions, parseLenientJson } from '../../src/agents/index.js';
import { balancedObjects, repairJson } from '../../src/agents/text-actions.js';

const bash = (command: string) => ({ tool: 'bash', arguments: JSON.stringify({ command }) });

describe('parseJsonActions', () => {
  it.each([
    [
      'a fenced json block with prose around it',
      'I will list.\n```json\n{"tool": "bash", "arguments": {"command": "ls"}}\n```\nDone?',
    ],
    [
      'a bare object followed by prose',
      'Thought: list files. {"tool": "bash", "arguments": {"command": "ls"}} and then see',
    ],
    ['an unlabelled fence', '```\n{"tool":"bash","arguments":{"command":"ls"}}\n```'],
    ['single quotes and trailing commas', "{'tool': 'bash', 'arguments': {'command': 'ls',},}"],
    ['arguments given as a JSON string', '{"tool": "bash", "arguments": "{\\"command\\": \\"ls\\"}"}'],
    ['LangChain-style keys', '{"action": "bash", "action_input": {"command": "ls"}}'],
    ['arguments inline next to the tool', '{"tool": "bash", "command": "ls"}'],
  ])('reads %s', (_what, reply) => {
    expect(parseJsonActions(reply)).toEqual({ actions: [bash('ls')], errors: [] });
  });

  it('keeps braces and quotes inside strings, and raw newlines in multi-line commands', () => {
    const reply = '```json\n{"tool": "bash", "arguments": {"command": "cat > f <<EOF\nif x: {y}\nEOF"}}\n```';
    expect(parseJsonActions(reply).actions).toEqual([bash('cat > f <<EOF\nif x: {y}\nEOF')]);
    const apostrophe = `{"tool": "bash", "arguments": {"command": "echo 'it''s' } done"}}`;
    expect(parseJsonActions(apostrophe).actions).toEqual([bash("echo 'it''s' } done")]);
  });

  it('finds several actions in order', () => {
    const reply = '{"tool":"bash","arguments":{"command":"a"}}\n{"tool":"submit","arguments":{"answer":"b"}}';
    expect(parseJsonActions(reply).actions.map((a) => a.tool)).toEqual(['bash', 'submit']);
  });

  it('reports an action it cannot read with the JSON error', () => {
    const r = parseJsonActions('```json\n{"tool": "bash", "arguments": {"command": "ls"\n```');
    expect(r.actions).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^invalid JSON: /);
  });

  it('reports arguments that are not an object', () => {
    expect(parseJsonActions('{"tool": "bash", "arguments": ["ls"]}').errors).toEqual([
      'the arguments of bash must be a JSON object, got an array',
    ]);
    expect(parseJsonActions('{"tool": "bash", "arguments": "ls -la"}').errors[0]).toMatch(
      /must be a JSON object, got the string "ls -la"/,
    );
  });

  it('finds no action in prose or in JSON without a tool', () => {
    expect(parseJsonActions('All tests pass now; nothing else to do.')).toEqual({ actions: [], errors: [] });
    expect(parseJsonActions('The metrics are {"accuracy": 0.93}.')).toEqual({ actions: [], errors: [] });
  });
});

describe('lenient JSON', () => {
  it('repairs only what is unambiguous', () => {
    expect(repairJson("{'a': True, 'b': [None, False,],}")).toBe('{"a": true, "b": [null, false]}');
    expect(repairJson('{"s": "don\'t"}')).toBe('{"s": "don\'t"}');
    expect(repairJson('{"s": "Say \\"True\\""}')).toBe('{"s": "Say \\"True\\""}');
    expect(parseLenientJson("{'q': 'say \"hi\"'}")).toEqual({ q: 'say "hi"' });
    expect(() => parseLenientJson('{"a": }')).toThrow(/^invalid JSON: /);
  });

  it('extracts balanced top-level objects, and an unclosed one for its error', () => {
    expect(balancedObjects('x {"a": {"b": "}"}} y {"c": 1} z {"open": 1')).toEqual([
      '{"a": {"b": "}"}}',
      '{"c": 1}',
      '{"open": 1',
    ]);
  });
});
