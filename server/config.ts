/** Configuration from the environment, read once at start. */
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Set: scaled mode (Redis backplane and socket.io adapter). Unset: embedded mode. */
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  redisPrefix: string;
  /** Base URL printed in share links, e.g. https://ide.example.com (default: the request's host). */
  publicUrl: string | null;
  /** Extra origins allowed to open websockets besides the server's own host. */
  allowedOrigins: string[];
  dev: boolean;
  /** The `chat` role's OpenAI-compatible endpoint (sketches for Cmd/Ctrl-K), or null when unset. */
  chat: ChatConfig | null;
}

/** An OpenAI-compatible chat completions endpoint (OpenAI, llama.cpp server, vLLM, Ollama...). */
export interface ChatConfig {
  /** e.g. https://api.openai.com/v1 (no trailing slash); requests go to `${baseUrl}/chat/completions`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when set (local servers usually need none). */
  apiKey: string | null;
  /** The endpoint's model name, e.g. gpt-4o-mini. */
  model: string;
  /** A request that takes longer is abandoned with an error. */
  timeoutMs: number;
}

/** How long a chat request may take by default: sketches of large files are slow on small servers. */
export const DEFAULT_CHAT_TIMEOUT_MS = 60_000;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const publicUrl = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : null;
  if (publicUrl && !/^https?:\/\/[^/]+$/.test(publicUrl)) throw new Error(`PUBLIC_URL must look like https://host[:port], got "${env.PUBLIC_URL}"`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    redisUrl: env.REDIS_URL || null,
    redisPrefix: env.REDIS_PREFIX || 'lookahead:',
    publicUrl,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    dev: env.NODE_ENV === 'development',
    chat: readChatConfig(env),
  };
}

/**
 * LOOKAHEAD_CHAT_BASE_URL turns the chat role into an OpenAI-compatible endpoint; then
 * LOOKAHEAD_CHAT_MODEL names the endpoint's model (without a base URL it keeps its meaning of a
 * local model folder, see workers/runtime/model-source.ts).
 */
export function readChatConfig(env: Record<string, string | undefined>): ChatConfig | null {
  const base = env.LOOKAHEAD_CHAT_BASE_URL?.trim();
  if (!base) return null;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`LOOKAHEAD_CHAT_BASE_URL must be an http(s) URL such as https://api.openai.com/v1, got "${base}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`LOOKAHEAD_CHAT_BASE_URL must be an http(s) URL such as https://api.openai.com/v1, got "${base}"`);
  }
  if (url.search || url.hash) throw new Error(`LOOKAHEAD_CHAT_BASE_URL must not have a query or fragment, got "${base}"`);
  const model = env.LOOKAHEAD_CHAT_MODEL?.trim();
  if (!model) throw new Error('LOOKAHEAD_CHAT_BASE_URL is set, so LOOKAHEAD_CHAT_MODEL must name the endpoint\'s model (e.g. gpt-4o-mini)');
  const timeoutSetting = env.LOOKAHEAD_CHAT_TIMEOUT_MS ?? String(DEFAULT_CHAT_TIMEOUT_MS);
  const timeoutMs = Number(timeoutSetting);
  if (!/^\d+$/.test(timeoutSetting) || timeoutMs < 1000 || timeoutMs > 600_000) {
    throw new Error(`LOOKAHEAD_CHAT_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 600000, got "${timeoutSetting}"`);
  }
  return { baseUrl: url.href.replace(/\/+$/, ''), apiKey: env.LOOKAHEAD_CHAT_API_KEY?.trim() || null, model, timeoutMs };
}
