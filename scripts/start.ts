/** `npm start`: build the web app if needed, then serve it in production mode. */
import { buildIfStale } from './build-if-stale';

process.env.NODE_ENV = 'production';
process.env.NEXT_TELEMETRY_DISABLED = '1';
buildIfStale();
await import('../server/main');
