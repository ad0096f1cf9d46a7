import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NullModel, OracleModel, resolveModel } from '../../src/agents/index.js';
import { loadDotEnv, ModelError, OpenAIChatModel, openAIOptionsFor } from '../../src/models/index.js';
import { redact } from '../../src/runs/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('fb-models-');

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ModelError && err.kind === 'config') return err.message;
    throw err;
  }
  throw new Error('expected a config error');
}

describe('resolveModel', () => {
  it('gives the built-in models without any key', async () => {
    expect(await resolveModel('oracle', { env: {} })).toBeInstanceOf(OracleModel);
    expect(await resolveModel('null', { env: {} })).toBeInstanceOf(NullModel);
  });

  it('builds an OpenAI client: full name for pricing, stripped name for the API, key registered as a secret', async () => {
    const key = 'plantedKEYwithoutAnyKnownShape42';
    const model = await resolveModel('openai/gpt-4o-mini', { env: { OPENAI_API_KEY: key } });
    expect(model).toBeInstanceOf(OpenAIChatModel);
    expect(model.name).toBe('openai/gpt-4o-mini');
    expect((model as OpenAIChatModel).apiModel).toBe('gpt-4o-mini');
    expect(redact(`the key is ${key}.`)).toBe('the key is [REDACTED].');
  });

  it('takes the base URL from the flag, then OPENAI_BASE_URL, then the provider default', () => {
    const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://env:1/v1' };
    expect(openAIOptionsFor('openai/x', { env, baseUrl: 'http://flag:2/v1' }).baseURL).toBe(
      'http://flag:2/v1',
    );
    expect(openAIOptionsFor('openai/x', { env }).baseURL).toBe('http://env:1/v1');
    expect(openAIOptionsFor('openai/x', { env: { OPENAI_API_KEY: 'k' } }).baseURL).toBeUndefined();
    expect(openAIOptionsFor('ollama/llama3.1', { env: {} })).toMatchObject({
      baseURL: 'http://localhost:11434/v1',
      apiKey: undefined,
      name: 'ollama/llama3.1',
    });
    expect(
      openAIOptionsFor('openrouter/meta-llama/llama-3.1-8b', { env: { OPENROUTER_API_KEY: 'or' } }),
    ).toMatchObject({
      baseURL: 'https://openrouter.ai/api/v1',
      apiKey: 'or',
    });
  });

  it('explains a missing key, an unknown provider, Azure without a URL and a malformed name', () => {
    expect(configError(() => openAIOptionsFor('openai/gpt-4o', { env: {} }))).toMatch(
      /needs an API key: set OPENAI_API_KEY in the environment or in .env/,
    );
    expect(configError(() => openAIOptionsFor('openrouter/x', { env: {} }))).toMatch(
      /OPENROUTER_API_KEY or OPENAI_API_KEY/,
    );
    expect(configError(() => openAIOptionsFor('acme/x', { env: {} }))).toMatch(
      /--base-url or OPENAI_BASE_URL/,
    );
    expect(configError(() => openAIOptionsFor('azure/my-deploy', { env: { OPENAI_API_KEY: 'k' } }))).toMatch(
      /openai\.azure\.com\/openai\/v1/,
    );
    expect(configError(() => openAIOptionsFor('gpt-4o', { env: {} }))).toMatch(
      /use oracle, null, or provider\/model/,
    );
    // A custom endpoint may need no key at all.
    expect(openAIOptionsFor('acme/x', { env: {}, baseUrl: 'http://127.0.0.1:9/v1' }).apiKey).toBeUndefined();
  });
});

describe('loadDotEnv', () => {
  it('fills unset variables from .env and never overrides the environment', () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, '# comment\nOPENAI_API_KEY="from-file"\nOPENAI_BASE_URL=http://file/v1\nEMPTY=\n');
    const env: NodeJS.ProcessEnv = { OPENAI_BASE_URL: 'http://real/v1' };
    expect(loadDotEnv(file, env).sort()).toEqual(['EMPTY', 'OPENAI_API_KEY']);
    expect(env).toEqual({ OPENAI_API_KEY: 'from-file', OPENAI_BASE_URL: 'http://real/v1', EMPTY: '' });
    expect(loadDotEnv(path.join(dir, 'missing.env'), env)).toEqual([]);
  });
});
