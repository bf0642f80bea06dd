/** `npm start`: build the web app if needed, then serve it in production mode. */
import { buildIfStale } from './build-if-stale';

// Next's types mark NODE_ENV read-only; it must be set before Next loads.
(process.env as Record<string, string>).NODE_ENV = 'production';
process.env.NEXT_TELEMETRY_DISABLED = '1';
buildIfStale();
await import('../server/main');
