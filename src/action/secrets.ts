import * as core from '@actions/core';
import { registerEnvSecrets, registerSecret } from '../runs/index.js';
import type { ActionInputs } from './inputs.js';

/**
 * The action's secrets never reach a log, an artifact, a comment or a child
 * process: they are masked in the log, registered for redaction, and kept out
 * of the environment while the suite runs.
 */
export function protectSecrets(inputs: ActionInputs): void {
  for (const secret of [inputs.apiKey, inputs.githubToken]) {
    if (!secret) continue;
    core.setSecret(secret);
    registerSecret(secret);
  }
  registerEnvSecrets();
  // The model client reads the key from its usual variables (as with the CLI); the INPUT_* copies
  // are dropped so that nothing started later can pass them on.
  delete process.env['INPUT_API-KEY'];
  delete process.env['INPUT_GITHUB-TOKEN'];
  if (inputs.apiKey) process.env.OPENAI_API_KEY = inputs.apiKey;
  if (inputs.baseUrl) process.env.OPENAI_BASE_URL = inputs.baseUrl;
}

/** The runner's credentials for the results service and OIDC, and every input. */
function isActionSecret(name: string): boolean {
  return (
    name === 'ACTIONS_RUNTIME_TOKEN' ||
    name === 'ACTIONS_ID_TOKEN_REQUEST_TOKEN' ||
    name === 'ACTIONS_ID_TOKEN_REQUEST_URL' ||
    name.startsWith('INPUT_')
  );
}

/**
 * Runs `fn` with the runner's credentials and inputs out of process.env, so
 * that no process the harness starts meanwhile (Docker calls already get a
 * minimal environment; this covers anything else) can inherit them. The
 * artifact and cache clients need them back afterwards.
 */
export async function withoutActionSecrets<T>(fn: () => Promise<T>): Promise<T> {
  const stashed: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || !isActionSecret(name)) continue;
    stashed[name] = value;
    delete process.env[name];
  }
  try {
    return await fn();
  } finally {
    Object.assign(process.env, stashed);
  }
}
