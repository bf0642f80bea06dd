/**
 * Share links are capability URLs: `/s/<token>` where the token is 256 random bits. Only the
 * token's SHA-256 is stored, so the data folder never holds a usable link. A link grants one role
 * on one workspace, and can be revoked.
 *
 * Layout under the links folder:
 *   <sha256 of token>.json           the link, found from a token
 *   workspaces/<workspaceId>/<id>.json  the link and its token hash, for listing and revoking
 * Each link is its own pair of files, so server processes sharing the folder never race on an index.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../lib/protocol';

export interface ShareLink {
  id: string;
  workspaceId: string;
  role: Role;
  createdAt: number;
}

/** 32 bytes as base64url: 43 characters. Anything else is refused before hashing. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Link ids: 9 bytes as base64url. */
const LINK_ID = /^[A-Za-z0-9_-]{12}$/;
const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class ShareLinks {
  constructor(
    private readonly root: string,
    private readonly now: () => number = Date.now,
  ) {}

  static isWellFormed(token: string): boolean {
    return TOKEN.test(token);
  }

  static isLinkId(id: string): boolean {
    return LINK_ID.test(id);
  }

  private static hash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  private indexDir(workspaceId: string): string {
    if (!WORKSPACE_ID.test(workspaceId)) throw new Error('malformed workspace id');
    return join(this.root, 'workspaces', workspaceId);
  }

  /** Creates a link and returns it with its token (the only time the token is known). */
  async create(workspaceId: string, role: Role): Promise<{ link: ShareLink; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const link: ShareLink = { id: randomBytes(9).toString('base64url'), workspaceId, role, createdAt: this.now() };
    const hash = ShareLinks.hash(token);
    const dir = this.indexDir(workspaceId);
    await fs.mkdir(dir, { recursive: true });
    // Index first: a link that can be used can always be listed (and revoked).
    await fs.writeFile(join(dir, link.id + '.json'), JSON.stringify({ ...link, hash }), { flag: 'wx' });
    await fs.writeFile(join(this.root, hash + '.json'), JSON.stringify(link), { flag: 'wx' });
    return { link, token };
  }

  /** The link a token stands for, or null (unknown, malformed or revoked: all look the same). */
  async lookup(token: string): Promise<ShareLink | null> {
    if (!ShareLinks.isWellFormed(token)) return null;
    try {
      const link = JSON.parse(await fs.readFile(join(this.root, ShareLinks.hash(token) + '.json'), 'utf8')) as ShareLink;
      return link.role === 'edit' || link.role === 'view' ? link : null;
    } catch {
      return null;
    }
  }

  /** The workspace's links, oldest first, without tokens (they are not stored). */
  async list(workspaceId: string): Promise<ShareLink[]> {
    const dir = this.indexDir(workspaceId);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const links: ShareLink[] = [];
    for (const name of names) {
      const entry = await this.readEntry(dir, name.replace(/\.json$/, ''));
      if (entry) links.push({ id: entry.id, workspaceId, role: entry.role, createdAt: entry.createdAt });
    }
    return links.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Revokes a link: its token stops working at once. False when the workspace has no such link. */
  async revoke(workspaceId: string, linkId: string): Promise<boolean> {
    if (!ShareLinks.isLinkId(linkId)) return false;
    const dir = this.indexDir(workspaceId);
    const entry = await this.readEntry(dir, linkId);
    if (!entry) return false;
    // Token file first: once it is gone the link is dead, whatever happens to the index entry.
    await fs.rm(join(this.root, entry.hash + '.json'), { force: true });
    await fs.rm(join(dir, linkId + '.json'), { force: true });
    return true;
  }

  private async readEntry(dir: string, linkId: string): Promise<(ShareLink & { hash: string }) | null> {
    if (!ShareLinks.isLinkId(linkId)) return null;
    try {
      const entry = JSON.parse(await fs.readFile(join(dir, linkId + '.json'), 'utf8')) as ShareLink & { hash: string };
      return /^[0-9a-f]{64}$/.test(entry.hash) ? entry : null;
    } catch {
      return null;
    }
  }
}
