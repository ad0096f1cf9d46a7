import { type ChatModel, type ModelConfig, resolveProviderModel } from '../models/index.js';
import { NullModel, OracleModel } from './scripted.js';

/** A model name to a chat model: the built-in `oracle` and `null`, else `provider/model` through the models subsystem. */
export async function resolveModel(name: string, config: ModelConfig = {}): Promise<ChatModel> {
  if (name === 'oracle') return new OracleModel();
  if (name === 'null') return new NullModel();
  return resolveProviderModel(name, config);
}
