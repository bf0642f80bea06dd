/**
 * The HTTP surface owned by the server (everything else goes to Next):
 *   GET  /api/health
 *   POST /api/workspaces                         -> 201 {id, editUrl, viewUrl}
 *   GET  /api/workspaces/<id>                    -> {id, role, linkId} (linkId: the link this request came through)
 *   GET  /api/workspaces/<id>/files              -> {files: [{path, size}], dirs: [path]}
 *   GET|PUT|DELETE /api/workspaces/<id>/files/<path>
 *   POST /api/workspaces/<id>/dirs/<path>
 *   POST /api/workspaces/<id>/rename             {from, to}
 *   GET  /api/workspaces/<id>/history/<path>     -> {edits: [...]} (recent edits of an open file)
 *   GET  /api/workspaces/<id>/links              -> {links: [{id, role, createdAt}]} (never tokens)
 *   POST /api/workspaces/<id>/links              {role} -> 201 {link: {id, role, createdAt}, url}
 *   DELETE /api/workspaces/<id>/links/<linkId>   -> {id, revoked: true}; the link stops working at once
 *   GET  /s/<token>                              -> 303 to /w/<id>, setting the workspace cookie
 *                                                   (rate-limited per client; bad tokens all look alike)
 *   GET  /w/<id>                                 -> page (Next) when the request carries access
 * Errors are JSON {error: {code, message}} with a 4xx/5xx status. Link management needs the edit role.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { MAX_UPLOAD_BYTES } from '../lib/limits';
import { authorize, authorOf, cookieName } from './auth';
import type { Backplane } from './backplane/backplane';
import { RequestError } from './errors';
import { canonicalPath } from './request-path';
import type { FileOperations } from './file-operations';
import type { LiveDocs } from './live-docs';
import type { RateLimit } from './rate-limit';
import { ShareLinks } from './share-links';
import { WorkspaceStore } from './workspace-store';

export interface RouteContext {
  store: WorkspaceStore;
  links: ShareLinks;
  liveDocs: LiveDocs;
  files: FileOperations;
  backplane: Backplane;
  /** Absolute base URL for share links; defaults to the request's own host. */
  publicUrl: string | null;
  /** Limits share-link exchanges per client address. */
  exchangeLimit: RateLimit;
  /** Called after a link is revoked: sessions opened through it must end everywhere. */
  linkRevoked: (workspaceId: string, linkId: string) => void;
}

/**
 * The workspace page may load and connect to this server only. Next's hydration scripts are
 * inline, and its development runtime evaluates code, hence those allowances.
 */
export const WORKSPACE_PAGE_CSP = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === 'production' ? '' : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Small JSON bodies (rename requests); file bodies use MAX_UPLOAD_BYTES. */
const MAX_JSON_BYTES = 64 * 1024;

const renameBody = z.strictObject({ from: z.string(), to: z.string() });
const linkBody = z.strictObject({ role: z.enum(['edit', 'view']) });

/** Returns false when the request is not one of ours (Next handles it). */
export async function handleRoute(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  // The raw path, not a WHATWG URL: that would resolve dot segments before the jail could refuse them.
  const rawPath = (req.url ?? '/').split('?')[0];
  const segments = rawPath.split('/').slice(1);
  const method = req.method ?? 'GET';
  try {
    if (segments[0] === 'api') {
      await apiRoute(ctx, req, res, segments.slice(1), method);
      return true;
    }
    if (segments[0] === 's' && segments.length === 2) {
      await exchangeLink(ctx, req, res, segments[1]);
      return true;
    }
    if (segments[0] === 'w' && segments.length === 2) {
      const id = segments[1];
      const access = WorkspaceStore.isWorkspaceId(id) ? await authorize(ctx.links, req.headers, id) : null;
      if (!access) {
        sendHtml(res, 403, 'This workspace link is not valid', 'Ask the person who shared it for a new link.');
        return true;
      }
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Content-Security-Policy', WORKSPACE_PAGE_CSP);
      return false;
    }
    return false;
  } catch (e) {
    sendError(res, e);
    return true;
  }
}

async function apiRoute(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, segments: string[], method: string): Promise<void> {
  if (segments[0] === 'health' && segments.length === 1) {
    const redisOk = ctx.backplane.healthy();
    return sendJson(res, 200, { ok: true, backend: ctx.backplane.kind, backplaneHealthy: redisOk, openDocuments: ctx.liveDocs.openCount() });
  }
  if (segments[0] !== 'workspaces') throw new RequestError(404, 'not-found', 'no such API route');
  if (segments.length === 1) {
    if (method !== 'POST') throw new RequestError(405, 'bad-request', 'use POST to create a workspace');
    await readBody(req, MAX_JSON_BYTES); // The body may be {} or empty; nothing in it is used yet.
    const id = await ctx.store.create();
    const edit = await ctx.links.create(id, 'edit');
    const view = await ctx.links.create(id, 'view');
    const base = baseUrl(ctx, req);
    return sendJson(res, 201, { id, editUrl: `${base}/s/${edit.token}`, viewUrl: `${base}/s/${view.token}` });
  }

  const id = segments[1];
  const access = WorkspaceStore.isWorkspaceId(id) ? await authorize(ctx.links, req.headers, id) : null;
  if (!access || !(await ctx.store.exists(id))) throw new RequestError(404, 'not-found', 'no such workspace, or no access to it');
  const rest = segments.slice(2);
  const needEdit = () => {
    if (access.role !== 'edit') throw new RequestError(403, 'forbidden', 'this link is view-only');
  };
  const author = authorOf(access);

  if (rest.length === 0 && method === 'GET') return sendJson(res, 200, { id, role: access.role, linkId: access.link.id });
  if (rest[0] === 'files' && rest.length === 1 && method === 'GET') return sendJson(res, 200, await ctx.store.list(id));
  if (rest[0] === 'files' && rest.length > 1) {
    const path = pathFromSegments(rest.slice(1));
    if (method === 'GET' || method === 'HEAD') {
      const bytes = await ctx.store.read(id, path);
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': bytes.byteLength,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "sandbox; default-src 'none'",
        'Cache-Control': 'no-store',
      });
      res.end(method === 'HEAD' ? undefined : bytes);
      return;
    }
    if (method === 'PUT') {
      needEdit();
      const body = await readBody(req, MAX_UPLOAD_BYTES);
      const mustNotExist = req.headers['if-none-match'] === '*';
      const { created } = await ctx.files.write(id, path, body, author, { mustNotExist });
      return sendJson(res, created ? 201 : 200, { path, size: body.byteLength });
    }
    if (method === 'DELETE') {
      needEdit();
      await ctx.files.remove(id, path);
      return sendJson(res, 200, { path, deleted: true });
    }
  }
  if (rest[0] === 'dirs' && rest.length > 1 && method === 'POST') {
    needEdit();
    const path = pathFromSegments(rest.slice(1));
    await ctx.files.createDir(id, path);
    return sendJson(res, 201, { path });
  }
  if (rest[0] === 'rename' && rest.length === 1 && method === 'POST') {
    needEdit();
    const parsed = renameBody.safeParse(parseJson(await readBody(req, MAX_JSON_BYTES)));
    if (!parsed.success) throw new RequestError(400, 'bad-request', 'expected {"from": path, "to": path}');
    const from = canonicalPath(parsed.data.from);
    const to = canonicalPath(parsed.data.to);
    await ctx.files.rename(id, from, to);
    return sendJson(res, 200, { from, to });
  }
  if (rest[0] === 'links' && rest.length === 1 && method === 'GET') {
    needEdit();
    const links = await ctx.links.list(id);
    return sendJson(res, 200, { links: links.map(({ id: linkId, role, createdAt }) => ({ id: linkId, role, createdAt })) });
  }
  if (rest[0] === 'links' && rest.length === 1 && method === 'POST') {
    needEdit();
    const parsed = linkBody.safeParse(parseJson(await readBody(req, MAX_JSON_BYTES)));
    if (!parsed.success) throw new RequestError(400, 'bad-request', 'expected {"role": "edit" | "view"}');
    const { link, token } = await ctx.links.create(id, parsed.data.role);
    return sendJson(res, 201, { link: { id: link.id, role: link.role, createdAt: link.createdAt }, url: `${baseUrl(ctx, req)}/s/${token}` });
  }
  if (rest[0] === 'links' && rest.length === 2 && method === 'DELETE') {
    needEdit();
    const linkId = rest[1];
    if (!ShareLinks.isLinkId(linkId) || !(await ctx.links.revoke(id, linkId))) throw new RequestError(404, 'not-found', 'no such link');
    ctx.linkRevoked(id, linkId);
    return sendJson(res, 200, { id: linkId, revoked: true });
  }
  if (rest[0] === 'history' && rest.length > 1 && method === 'GET') {
    needEdit();
    const path = pathFromSegments(rest.slice(1));
    return sendJson(res, 200, { path, edits: ctx.liveDocs.history(id, path) ?? [] });
  }
  throw new RequestError(404, 'not-found', 'no such API route');
}

function baseUrl(ctx: RouteContext, req: IncomingMessage): string {
  return ctx.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
}

async function exchangeLink(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (!ctx.exchangeLimit.allow(req.socket.remoteAddress ?? 'unknown')) {
    res.setHeader('Retry-After', '60');
    return sendHtml(res, 429, 'Too many attempts', 'Wait a minute, then open the link again.');
  }
  const link = await ctx.links.lookup(token);
  if (!link || !(await ctx.store.exists(link.workspaceId))) {
    return sendHtml(res, 404, 'This link is not valid', 'It may have been mistyped or revoked.');
  }
  const secure = (ctx.publicUrl ?? '').startsWith('https:') || req.headers['x-forwarded-proto'] === 'https';
  const cookie = [
    `${cookieName(link.workspaceId)}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${30 * 24 * 3600}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
  res.writeHead(303, { Location: `/w/${link.workspaceId}`, 'Set-Cookie': cookie, 'Cache-Control': 'no-store' });
  res.end();
}

/** URL path segments (still percent-encoded) to a canonical workspace path. An encoded slash,
 * backslash or dot segment is refused rather than reinterpreted. */
function pathFromSegments(raw: string[]): string {
  const decoded = raw.map((segment) => {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      throw new RequestError(400, 'bad-path', 'malformed percent-encoding in path');
    }
    if (value.includes('/')) throw new RequestError(400, 'bad-path', 'encoded slash in path');
    return value;
  });
  return canonicalPath(decoded.join('/'));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      return reject(new RequestError(413, 'too-large', `body larger than ${limit} bytes`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        reject(new RequestError(413, 'too-large', `body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new RequestError(400, 'bad-request', 'body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (e instanceof RequestError) return sendJson(res, e.status, { error: { code: e.code, message: e.message } });
  console.error('lookahead: request failed:', e);
  sendJson(res, 500, { error: { code: 'internal', message: 'internal error' } });
}

function sendHtml(res: ServerResponse, status: number, title: string, detail: string): void {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(
    `<!doctype html><meta charset="utf-8"><title>${escape(title)}</title>` +
      `<body style="font:16px system-ui;background:#1e1f22;color:#ddd;display:grid;place-items:center;height:100vh;margin:0">` +
      `<div><h1 style="font-size:20px">${escape(title)}</h1><p>${escape(detail)}</p><p><a style="color:#7aa2f7" href="/">Lookahead home</a></p></div>`,
  );
}
