/**
 * The socket handlers of language intelligence (`lang:*` events). Messages arrive validated by the
 * collaboration socket's dispatcher; answers come from the workspace's language service. Files that
 * are not TypeScript or JavaScript get empty answers without starting a service.
 */
import type {
  ClientEvent,
  ClientEventName,
  LangCompletionsReply,
  LangHoverReply,
  LangLocation,
  LangLocationsReply,
  LangProblemsReply,
  LangRenameReply,
  Role,
} from '../../lib/protocol';
import { isScriptPath } from '../../lib/script-files';
import { RequestError } from '../errors';
import type { LiveDocs } from '../live-docs';
import { canonicalPath } from '../request-path';
import { applyRename } from './apply-rename';
import type { RenameEdit } from './language-queries';
import type { LanguageWorkspaces } from './language-workspaces';

type LangEventName = Extract<ClientEventName, `lang:${string}`>;
export type LanguageHandlers = { [E in LangEventName]: (msg: ClientEvent<E>) => Promise<unknown> };

export function languageHandlers(
  languages: LanguageWorkspaces,
  liveDocs: LiveDocs,
  session: { workspaceId: string; role: Role; author: string; socketId: string },
): LanguageHandlers {
  const { workspaceId } = session;
  const service = () => languages.service(workspaceId);
  const locations = async (op: 'definition' | 'references', msg: { path: string; offset: number }): Promise<LangLocationsReply> => {
    const path = canonicalPath(msg.path);
    if (!isScriptPath(path)) return { locations: [] };
    return { locations: await (await service()).request<LangLocation[]>({ op, path, offset: msg.offset }) };
  };

  return {
    'lang:hover': async (msg): Promise<LangHoverReply> => {
      const path = canonicalPath(msg.path);
      if (!isScriptPath(path)) return { hover: null };
      return { hover: await (await service()).request<LangHoverReply['hover']>({ op: 'hover', path, offset: msg.offset }) };
    },
    'lang:definition': (msg) => locations('definition', msg),
    'lang:references': (msg) => locations('references', msg),
    'lang:completions': async (msg): Promise<LangCompletionsReply> => {
      const path = canonicalPath(msg.path);
      if (!isScriptPath(path)) return { completions: [], isMember: false };
      return (await service()).request<LangCompletionsReply>({ op: 'completions', path, offset: msg.offset });
    },
    'lang:rename': async (msg): Promise<LangRenameReply> => {
      if (session.role !== 'edit') throw new RequestError(403, 'forbidden', 'this link is view-only');
      const path = canonicalPath(msg.path);
      if (!isScriptPath(path)) throw new RequestError(400, 'bad-request', `${path} is not a TypeScript or JavaScript file`);
      const edits = await (await service()).request<RenameEdit[]>({ op: 'rename', path, offset: msg.offset, newName: msg.newName });
      return { files: await applyRename(liveDocs, workspaceId, edits, session.author, session.socketId) };
    },
    'lang:problems': async (msg): Promise<LangProblemsReply> => {
      const path = msg.path === undefined ? undefined : canonicalPath(msg.path);
      if (path !== undefined && !isScriptPath(path)) return { problems: [] };
      return { problems: await (await service()).request<LangProblemsReply['problems']>({ op: 'problems', path }) };
    },
  };
}
