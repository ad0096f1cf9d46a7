import { existsSync, statSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { loadPricing, type PricingTable } from '../cost/index.js';
import {
  type ExchangeConfig,
  loadDotEnv,
  type ModelConfig,
  ModelError,
  openAIOptionsFor,
} from '../models/index.js';
import { registerEnvSecrets } from '../runs/index.js';
import { UserError } from './common.js';

/** The flags every command that calls models shares: record/replay and the per-request timeout. */
export interface ModelIoFlags {
  record?: string | undefined;
  replay?: string | undefined;
  requestTimeout?: number | undefined;
}

/** Longest request timeout accepted (a day): Node timers cannot hold much more. */
const MAX_REQUEST_TIMEOUT_S = 86_400;

function requestTimeoutSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_REQUEST_TIMEOUT_S)
    throw new InvalidArgumentError(`expected seconds from 1 to ${MAX_REQUEST_TIMEOUT_S}`);
  return n;
}

/** Adds --record, --replay and --request-timeout to a command. */
export function addModelIoOptions(command: Command): Command {
  return command
    .option(
      '--record <dir>',
      'store every model exchange (agent and judge) in this folder, keyed by a hash of the request',
    )
    .option(
      '--replay <dir>',
      'answer every model call from a folder made with --record, calling no model (a request not recorded fails the run)',
    )
    .option(
      '--request-timeout <s>',
      'seconds one model request may take before it is retried (default 120)',
      requestTimeoutSeconds,
    );
}

/** Checks --record/--replay and turns them into the orchestrator's options; exit 2 on a bad folder. */
export function modelIoOptions(flags: ModelIoFlags): {
  exchanges?: ExchangeConfig;
  requestTimeoutMs?: number;
} {
  if (flags.record && flags.replay) throw new UserError('give either --record or --replay, not both');
  const out: { exchanges?: ExchangeConfig; requestTimeoutMs?: number } = {};
  if (flags.requestTimeout) out.requestTimeoutMs = Math.round(flags.requestTimeout * 1000);
  if (flags.replay) {
    if (!existsSync(flags.replay) || !statSync(flags.replay).isDirectory())
      throw new UserError(`--replay ${flags.replay}: no such folder (record one first with --record)`);
    out.exchanges = { mode: 'replay', dir: flags.replay };
  } else if (flags.record) {
    if (existsSync(flags.record) && !statSync(flags.record).isDirectory())
      throw new UserError(`--record ${flags.record}: exists and is not a folder`);
    out.exchanges = { mode: 'record', dir: flags.record };
  }
  return out;
}

/**
 * What every command that runs a model does first: read `.env`, register the
 * environment's secrets for redaction, load prices (with the user's file), and
 * check that the model can be reached as configured, so that a missing key is
 * a one-line error (exit 2) before any sandbox work. A replay needs no key.
 */
export function prepareModelOptions(
  flags: {
    model?: string | undefined;
    baseUrl?: string | undefined;
    pricing?: string | undefined;
  } & ModelIoFlags,
): { pricing: PricingTable; modelConfig: ModelConfig; exchanges?: ExchangeConfig } {
  loadDotEnv();
  registerEnvSecrets();
  const pricing = loadPricing(flags.pricing);
  const io = modelIoOptions(flags);
  const modelConfig: ModelConfig = {
    baseUrl: flags.baseUrl,
    ...(io.requestTimeoutMs ? { requestTimeoutMs: io.requestTimeoutMs } : {}),
    ...(io.exchanges?.mode === 'replay' ? { keyOptional: true } : {}),
  };
  if (flags.model && flags.model !== 'oracle' && flags.model !== 'null') {
    try {
      openAIOptionsFor(flags.model, modelConfig);
    } catch (err) {
      if (err instanceof ModelError) throw new UserError(err.message);
      throw err;
    }
  }
  return { pricing, modelConfig, ...(io.exchanges ? { exchanges: io.exchanges } : {}) };
}
