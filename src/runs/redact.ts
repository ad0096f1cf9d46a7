/**
 * Secrets never reach a transcript, log, artifact or comment. Values are
 * registered once (API keys, tokens from the environment) and replaced
 * wherever they appear; common key shapes are caught even when unregistered.
 */
const secrets = new Set<string>();

const SECRET_ENV = /(_KEY|_TOKEN|_SECRET|PASSWORD)$/i;
const KEY_SHAPES = [
  /\bsk-[A-Za-z0-9_-]{16,}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g,
];

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) secrets.add(value);
}

/** Registers the values of environment variables that look like secrets. */
export function registerEnvSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const [key, value] of Object.entries(env)) {
    if (SECRET_ENV.test(key) || key.startsWith('INPUT_API')) registerSecret(value);
  }
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[REDACTED]');
  for (const re of KEY_SHAPES) out = out.replace(re, '[REDACTED]');
  return out;
}

/** Redacts every string inside a JSON-able value. */
export function redactDeep<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value))) as T;
}
