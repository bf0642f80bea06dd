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
}

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
  };
}
