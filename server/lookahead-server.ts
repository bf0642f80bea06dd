/**
 * Builds the whole server: one HTTP server hosting our routes, socket.io and (optionally) Next.
 * Used by server/main.ts and, without Next, by the integration tests.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { MAX_SOCKET_FRAME_BYTES } from '../lib/limits';
import type { Backplane } from './backplane/backplane';
import { MemoryBackplane } from './backplane/memory-backplane';
import { RedisBackplane } from './backplane/redis-backplane';
import { ApplySessions, type ApplyModel } from './apply-sessions';
import { attachCollaboration, docRoom } from './collab-socket';
import type { Config } from './config';
import { DocStateStore } from './doc-state-store';
import { FileOperations } from './file-operations';
import { handleRoute, sendError, type RouteContext } from './http-routes';
import { LinkRevocations } from './link-revocations';
import { RateLimit } from './rate-limit';
import { LanguageFacts } from './language/language-facts';
import { LanguageWorkspaces } from './language/language-workspaces';
import { LiveDocs } from './live-docs';
import { ShareLinks } from './share-links';
import { WorkspaceEvents, workspaceRoom } from './workspace-events';
import { WorkspaceStore } from './workspace-store';
import { TabCompletions } from './tab-completions';
import { ModelClient } from '../workers/model-client';
import { modelSourceFor } from '../workers/runtime/model-source';

export type PageHandler = (req: IncomingMessage, res: import('node:http').ServerResponse) => Promise<void> | void;

export interface LookaheadServer {
  http: HttpServer;
  io: Server;
  backplane: Backplane;
  liveDocs: LiveDocs;
  store: WorkspaceStore;
  links: ShareLinks;
  /** The workspaces' language services, and what they know for the AI features. */
  languages: LanguageWorkspaces;
  languageFacts: LanguageFacts;
  /** Resolves with the port once listening. */
  listen(): Promise<number>;
  /** Saves every open document, then closes sockets, the backplane and the HTTP server. */
  close(): Promise<void>;
}

/** Share-link exchanges per client address and minute: plenty for people, nothing for guessing. */
const EXCHANGES_PER_MINUTE = 30;

const TEMPLATE_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'template');

export async function createLookaheadServer(config: Config, pages: PageHandler | null): Promise<LookaheadServer> {
  const nodeId = randomBytes(8).toString('hex');
  const backplane: Backplane = config.redisUrl ? await RedisBackplane.connect(config.redisUrl, config.redisPrefix) : new MemoryBackplane();
  const store = new WorkspaceStore(join(config.dataDir, 'workspaces'), TEMPLATE_DIR);
  const links = new ShareLinks(join(config.dataDir, 'links'));
  const states = new DocStateStore(join(config.dataDir, 'doc-state'));

  const http = createServer();
  const io = new Server(http, {
    path: '/socket.io',
    maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES,
    serveClient: false,
    allowRequest: (req, callback) => callback(null, originAllowed(req, config)),
  });

  const liveDocs = new LiveDocs(store, states, backplane, nodeId, {
    update: (workspaceId, path, epoch, update, exceptSocket, owner) => {
      const room = io.local.to(docRoom(workspaceId, path));
      const others = [exceptSocket, owner].filter((s): s is string => s !== null);
      (others.length ? room.except(others) : room).emit('doc:update', { path, epoch, update });
      // Editors ignore updates for files they do not have open.
      if (owner) io.local.to(owner).emit('doc:update', { path, epoch, update, own: true });
    },
    saved: (workspaceId, path, savedAt) => io.local.to(docRoom(workspaceId, path)).emit('doc:saved', { path, savedAt }),
  });
  const events = new WorkspaceEvents(io, backplane, liveDocs, nodeId);
  await events.start();
  const files = new FileOperations(store, liveDocs, states, events);

  if (backplane instanceof RedisBackplane) {
    const { createAdapter } = await import('@socket.io/redis-streams-adapter');
    io.adapter(createAdapter((await backplane.streamsClient()) as never, { streamName: `${config.redisPrefix}socket.io` }));
  }
  const tab = new TabCompletions(liveDocs, () =>
    ModelClient.start(modelSourceFor('tab'), { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix }),
  );
  // The apply model's worker starts on the first Cmd/Ctrl-K, like Tab's on the first keystroke.
  const applies = new ApplySessions({
    liveDocs,
    store,
    chat: config.chat,
    startModel: (): Promise<ApplyModel> => ModelClient.start(modelSourceFor('apply'), { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix }),
  });
  const languages = new LanguageWorkspaces(store, liveDocs, (workspaceId, path, diagnostics) =>
    io.local.to(workspaceRoom(workspaceId)).emit('lang:diagnostics', { path, diagnostics }),
  );
  events.onEvent((workspaceId, event) => languages.treeChanged(workspaceId, event));
  attachCollaboration(io, { links, liveDocs, store, tab, applies, languages, backplane });

  const revocations = await LinkRevocations.start(io, backplane);
  const routes: RouteContext = {
    store,
    links,
    liveDocs,
    files,
    backplane,
    publicUrl: config.publicUrl,
    exchangeLimit: new RateLimit(EXCHANGES_PER_MINUTE, 60_000),
    linkRevoked: (workspaceId, linkId) => void revocations.revoked(workspaceId, linkId).catch(() => {}),
  };
  http.on('request', (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    handleRoute(routes, req, res)
      .then(async (handled) => {
        if (handled) return;
        if (pages) return pages(req, res);
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      })
      .catch((e) => sendError(res, e));
  });

  return {
    http,
    io,
    backplane,
    liveDocs,
    store,
    links,
    languages,
    languageFacts: new LanguageFacts(languages),
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          const address = http.address();
          resolve(typeof address === 'object' && address ? address.port : config.port);
        });
      }),
    close: async () => {
      await liveDocs.close();
      await tab.close();
      await applies.close();
      await languages.close();
      await events.stop().catch(() => {});
      await revocations.stop().catch(() => {});
      // Closing the transports (not disconnecting the sockets) lets clients reconnect on their own
      // to the next server process, with whatever they type meanwhile.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await backplane.close();
      http.closeAllConnections?.();
    },
  };
}

/**
 * Browsers always send Origin on websocket and cross-site requests: it must be this server's own
 * host (or an allowed origin). Requests without Origin come from non-browser clients, which cannot
 * ride on a victim's cookies.
 */
function originAllowed(req: IncomingMessage, config: Config): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (config.allowedOrigins.includes(origin)) return true;
  if (config.publicUrl && origin === config.publicUrl) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
