export { loadDotEnv } from './env.js';
export {
  DEFAULT_RETRY_POLICY,
  OpenAIChatModel,
  type OpenAIModelOptions,
  type RetryPolicy,
} from './openai.js';
export { type ModelConfig, openAIOptionsFor, resolveProviderModel } from './resolve.js';
export * from './types.js';
