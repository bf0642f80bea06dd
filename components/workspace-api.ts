/**
 * The workspace REST API as the browser uses it. Requests are same-origin, so the session cookie
 * set by the share link travels automatically.
 */
import type { Role } from '../lib/protocol';

export interface FileEntry {
  path: string;
  size: number;
}

export interface FileListing {
  files: FileEntry[];
  dirs: string[];
}

export interface WorkspaceInfo {
  id: string;
  role: Role;
  /** The share link this session came through. */
  linkId: string;
}

/** A share link as the server lists it: never its token, which only its creator ever saw. */
export interface ShareLinkInfo {
  id: string;
  role: Role;
  createdAt: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Each segment is encoded on its own so '/' keeps separating folders in the URL. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

async function request(url: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
  if (res.ok) return res;
  let code = 'http-' + res.status;
  let message = `Request failed (${res.status} ${res.statusText})`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not a JSON error body (a proxy page, say): the status line is the best description.
  }
  if (res.status === 412) message = 'A file or folder with that name already exists.';
  throw new ApiError(res.status, code, message);
}

export class WorkspaceApi {
  private readonly base: string;

  constructor(readonly id: string) {
    this.base = `/api/workspaces/${encodeURIComponent(id)}`;
  }

  async info(): Promise<WorkspaceInfo> {
    return (await request(this.base)).json();
  }

  async list(): Promise<FileListing> {
    return (await request(`${this.base}/files`)).json();
  }

  async readText(path: string): Promise<string> {
    return (await request(`${this.base}/files/${encodePath(path)}`)).text();
  }

  async createFile(path: string): Promise<void> {
    // If-None-Match: * makes the server refuse (412) rather than overwrite an existing file.
    await request(`${this.base}/files/${encodePath(path)}`, { method: 'PUT', headers: { 'if-none-match': '*' }, body: '' });
  }

  async createDir(path: string): Promise<void> {
    await request(`${this.base}/dirs/${encodePath(path)}`, { method: 'POST' });
  }

  async rename(from: string, to: string): Promise<void> {
    await request(`${this.base}/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, to }),
    });
  }

  /** Deletes a file, or a folder with everything in it. */
  async remove(path: string): Promise<void> {
    await request(`${this.base}/files/${encodePath(path)}`, { method: 'DELETE' });
  }

  async listLinks(): Promise<ShareLinkInfo[]> {
    return ((await (await request(`${this.base}/links`)).json()) as { links: ShareLinkInfo[] }).links;
  }

  /** Creates a link; its URL is known only now and is never shown again. */
  async createLink(role: Role): Promise<{ link: ShareLinkInfo; url: string }> {
    const res = await request(`${this.base}/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role }),
    });
    return res.json();
  }

  /** Revokes a link: it stops working and every session opened with it ends. */
  async revokeLink(linkId: string): Promise<void> {
    await request(`${this.base}/links/${encodeURIComponent(linkId)}`, { method: 'DELETE' });
  }
}
