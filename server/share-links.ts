/**
 * Share links are capability URLs: `/s/<token>` where the token is 256 random bits. Only the
 * token's SHA-256 is stored (DATA_DIR/links/<hash>.json), so the data folder never holds a usable
 * link. A link grants one role on one workspace.
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

export class ShareLinks {
  constructor(
    private readonly root: string,
    private readonly now: () => number = Date.now,
  ) {}

  static isWellFormed(token: string): boolean {
    return TOKEN.test(token);
  }

  private static hash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  /** Creates a link and returns it with its token (the only time the token is known). */
  async create(workspaceId: string, role: Role): Promise<{ link: ShareLink; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const link: ShareLink = { id: randomBytes(9).toString('base64url'), workspaceId, role, createdAt: this.now() };
    await fs.mkdir(this.root, { recursive: true });
    await fs.writeFile(join(this.root, ShareLinks.hash(token) + '.json'), JSON.stringify(link), { flag: 'wx' });
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
}
