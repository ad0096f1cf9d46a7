import { OpenAIChatModel, type OpenAIModelOptions, type RetryPolicy } from './openai.js';
import { type ChatModel, ModelError } from './types.js';

export interface ModelConfig {
  /** An OpenAI-compatible base URL; overrides OPENAI_BASE_URL and the provider's default. */
  baseUrl?: string | undefined;
  env?: NodeJS.ProcessEnv;
  retry?: Partial<RetryPolicy>;
  /** One HTTP attempt at most this long (default 120 s). */
  requestTimeoutMs?: number | undefined;
  /** No key is needed (a replay, which never calls the model): a missing one is not an error. */
  keyOptional?: boolean;
}

/**
 * Providers reached through the OpenAI-compatible client. The key comes from
 * `<PROVIDER>_API_KEY`, then `OPENAI_API_KEY`; local servers need none.
 */
const PROVIDERS: Record<string, { baseUrl?: string; keyRequired: boolean }> = {
  openai: { keyRequired: true },
  azure: { keyRequired: true },
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', keyRequired: true },
  vllm: { baseUrl: 'http://localhost:8000/v1', keyRequired: false },
  ollama: { baseUrl: 'http://localhost:11434/v1', keyRequired: false },
};

const NAME_HELP = 'use oracle, null, or provider/model such as openai/gpt-4o-mini';

/** Resolves `provider/model` to an OpenAI-compatible chat model; a bad name or missing key is a ModelError 'config'. */
export function resolveProviderModel(name: string, config: ModelConfig = {}): ChatModel {
  return new OpenAIChatModel(openAIOptionsFor(name, config));
}

/** The client options for `provider/model`, from flags and the environment. Throws ModelError 'config'. */
export function openAIOptionsFor(name: string, config: ModelConfig = {}): OpenAIModelOptions {
  const env = config.env ?? process.env;
  const match = /^([a-z0-9_-]+)\/(.+)$/i.exec(name);
  if (!match) throw new ModelError(`unknown model ${JSON.stringify(name)}: ${NAME_HELP}`, 'config');
  const provider = (match[1] as string).toLowerCase();
  const known = PROVIDERS[provider];
  const baseURL = config.baseUrl || env.OPENAI_BASE_URL || known?.baseUrl;
  if (!known && !baseURL)
    throw new ModelError(
      `model ${name}: provider ${provider} is not built in (${Object.keys(PROVIDERS).join(', ')}); ` +
        'give its OpenAI-compatible endpoint with --base-url or OPENAI_BASE_URL',
      'config',
    );
  if (provider === 'azure' && !baseURL)
    throw new ModelError(
      `model ${name}: Azure OpenAI needs --base-url https://<resource>.openai.azure.com/openai/v1/`,
      'config',
    );
  const keyVar = `${provider.toUpperCase().replaceAll('-', '_')}_API_KEY`;
  const apiKey = env[keyVar] || env.OPENAI_API_KEY;
  // A custom endpoint (a local vLLM, say) may need no key; the SDK still wants a non-empty one.
  if (
    !apiKey &&
    !config.keyOptional &&
    (known?.keyRequired ?? false) &&
    !config.baseUrl &&
    !env.OPENAI_BASE_URL
  )
    throw new ModelError(
      `model ${name} needs an API key: set ${keyVar === 'OPENAI_API_KEY' ? keyVar : `${keyVar} or OPENAI_API_KEY`} in the environment or in .env`,
      'config',
    );
  return {
    name,
    apiKey: apiKey || undefined,
    baseURL,
    retry: config.retry,
    ...(config.requestTimeoutMs ? { requestTimeoutMs: config.requestTimeoutMs } : {}),
  };
}
