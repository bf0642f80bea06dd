/**
 * Who is asking: a share-link token from `Authorization: Bearer <token>` or from the workspace's
 * HttpOnly cookie (set when a /s/<token> link is exchanged).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Role } from '../lib/protocol';
import type { ShareLink, ShareLinks } from './share-links';

/** One cookie per workspace, so links to several workspaces can be open side by side. */
export function cookieName(workspaceId: string): string {
  return `la_${workspaceId}`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export function tokenFrom(headers: IncomingHttpHeaders, workspaceId: string, explicit?: string): string | null {
  if (explicit) return explicit;
  const authorization = headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim();
  return parseCookies(headers.cookie).get(cookieName(workspaceId)) ?? null;
}

export interface Access {
  role: Role;
  link: ShareLink;
}

/** The role the request has on `workspaceId`, or null when it has none. */
export async function authorize(links: ShareLinks, headers: IncomingHttpHeaders, workspaceId: string, explicit?: string): Promise<Access | null> {
  const token = tokenFrom(headers, workspaceId, explicit);
  if (!token) return null;
  const link = await links.lookup(token);
  if (!link || link.workspaceId !== workspaceId) return null;
  return { role: link.role, link };
}

/** How edits made through a link are attributed in edit history: the role and the link's id. */
export function authorOf(access: Access): string {
  return `${access.role}-link:${access.link.id}`;
}
