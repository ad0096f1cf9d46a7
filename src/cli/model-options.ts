import { loadPricing, type PricingTable } from '../cost/index.js';
import { loadDotEnv, type ModelConfig, ModelError, openAIOptionsFor } from '../models/index.js';
import { registerEnvSecrets } from '../runs/index.js';
import { UserError } from './common.js';

/**
 * What every command that runs a model does first: read `.env`, register the
 * environment's secrets for redaction, load prices (with the user's file), and
 * check that the model can be reached as configured, so that a missing key is
 * a one-line error (exit 2) before any sandbox work.
 */
export function prepareModelOptions(flags: {
  model?: string | undefined;
  baseUrl?: string | undefined;
  pricing?: string | undefined;
}): { pricing: PricingTable; modelConfig: ModelConfig } {
  loadDotEnv();
  registerEnvSecrets();
  const pricing = loadPricing(flags.pricing);
  const modelConfig = { baseUrl: flags.baseUrl };
  if (flags.model && flags.model !== 'oracle' && flags.model !== 'null') {
    try {
      openAIOptionsFor(flags.model, modelConfig);
    } catch (err) {
      if (err instanceof ModelError) throw new UserError(err.message);
      throw err;
    }
  }
  return { pricing, modelConfig };
}
