import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { HAS_DOCKER, leftoversFor } from '../helpers/docker.js';
import { tempDir } from '../helpers/tmp.js';

/** `factory-bench mcp` as an MCP client starts it: the compiled CLI, over stdio, in a real sandbox. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const runsDir = tempDir('fb-mcp-stdio-');

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join('\n');
}

describe.runIf(HAS_DOCKER && existsSync(path.join(ROOT, 'build/src/cli/main.js')))(
  'factory-bench mcp',
  () => {
    it('serves the task tools to any MCP client; closing the session grades and records the run', async () => {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: ['bin/factory-bench.js', 'mcp', '--task', 'tasks/hello_repo_fix', '--runs-dir', runsDir],
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const client = new Client({ name: 'test-client', version: '1.0.0' });
      await client.connect(transport);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['bash']);
      const listing = await client.callTool({ name: 'bash', arguments: { command: 'pwd && ls' } });
      expect(textOf(listing)).toContain('/workspace');
      expect(textOf(listing)).toContain('textstats');
      const fix = await client.callTool({
        name: 'bash',
        arguments: {
          command: "sed -i 's|// len(words)|/ len(words)|' textstats/stats.py && python3 -m pytest -q tests",
        },
      });
      expect(fix.isError).toBe(false);
      expect(textOf(fix)).toContain('3 passed');
      await client.close();

      // The harness grades once the client is gone, then exits.
      const deadline = Date.now() + 120_000;
      const resultFile = (): string | null => {
        for (const name of readdirSync(runsDir)) {
          const f = path.join(runsDir, name, 'result.json');
          if (existsSync(f) && JSON.parse(readFileSync(f, 'utf8')).status !== 'crashed') return f;
        }
        return null;
      };
      while (!resultFile() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
      const result = JSON.parse(readFileSync(resultFile() as string, 'utf8'));
      expect(result).toMatchObject({
        status: 'completed',
        passed: true,
        model: 'mcp-client',
        stop_reason: 'exited',
        tool_calls: 2,
        agent: { kind: 'external', name: 'mcp-client', hash: null, runs_in: 'host' },
      });
      expect(stderr).toContain('serving bash over MCP on stdio');
      await expect.poll(() => leftoversFor(result.run_id), { timeout: 30_000 }).toEqual([]);
    }, 300_000);
  },
);
