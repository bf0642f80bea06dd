/**
 * Entry point: `npm start` (production, after a build) and `npm run dev`.
 * Serves Next pages, the REST API and socket.io on one port; saves every open document on
 * SIGTERM/SIGINT before exiting.
 */
import next from 'next';
import { parse } from 'node:url';
import { readConfig } from './config';
import { createLookaheadServer } from './lookahead-server';

const config = readConfig();
const app = next({ dev: config.dev, dir: process.cwd(), hostname: 'localhost', port: config.port });
await app.prepare();
const handle = app.getRequestHandler();

const server = await createLookaheadServer(config, (req, res) => handle(req, res, parse(req.url ?? '/', true)));
const port = await server.listen();
console.log(`Lookahead ${config.dev ? '(dev) ' : ''}on http://localhost:${port} — ${server.backplane.kind} backend, data in ${config.dataDir}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`Lookahead: ${signal}, saving open documents…`);
    server
      .close()
      .then(() => app.close?.())
      .then(
        () => process.exit(0),
        (e) => {
          console.error('Lookahead: shutdown failed:', e);
          process.exit(1);
        },
      );
  });
}
