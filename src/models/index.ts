export { loadDotEnv } from './env.js';
export {
  type ExchangeConfig,
  ExchangeStore,
  exchangeKey,
  normalizeRequest,
  type StoredExchange,
} from './exchanges.js';
export {
  type BudgetBreach,
  type CallOptions,
  type CostMeter,
  type GatewayResponse,
  ModelGateway,
  type ModelGatewayOptions,
  OUTPUT_CAP_THRESHOLD,
  type TranscriptSink,
} from './gateway.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY_POLICY,
  OpenAIChatModel,
  type OpenAIModelOptions,
  type RetryPolicy,
} from './openai.js';
export { type ModelConfig, openAIOptionsFor, resolveProviderModel } from './resolve.js';
export { type GatewayServer, type GatewayServerOptions, startGatewayServer } from './server.js';
export * from './types.js';
export {
  errorBody,
  parseChatCompletionRequest,
  toChatCompletion,
  toChatCompletionChunks,
  WireError,
} from './wire.js';
