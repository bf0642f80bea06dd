/**
 * What the language service knows, for the server's AI features: definitions near a position
 * (context for a prompt), the type at a position, a file's diagnostics. Paths are canonical
 * workspace paths; offsets are UTF-16 offsets of the live text. Files that are not TypeScript or
 * JavaScript have no facts (and start no service).
 */
import type { LangDiagnostic, LangProblemsReply } from '../../lib/protocol';
import { isScriptPath } from '../../lib/script-files';
import type { NearDefinition } from './language-queries';
import type { LanguageWorkspaces } from './language-workspaces';

export class LanguageFacts {
  constructor(private readonly languages: LanguageWorkspaces) {}

  /** Definitions of the symbols used in the lines around `offset`, declared outside those lines. */
  async definitionsNear(workspaceId: string, path: string, offset: number): Promise<NearDefinition[]> {
    if (!isScriptPath(path)) return [];
    return (await this.languages.service(workspaceId)).request<NearDefinition[]>({ op: 'definitionsNear', path, offset });
  }

  /** The type of the expression or name at `offset`, as TypeScript prints it. */
  async typeAt(workspaceId: string, path: string, offset: number): Promise<string | null> {
    if (!isScriptPath(path)) return null;
    return (await this.languages.service(workspaceId)).request<string | null>({ op: 'typeAt', path, offset });
  }

  /** The file's syntax and type errors as of its current text. */
  async diagnostics(workspaceId: string, path: string): Promise<LangDiagnostic[]> {
    if (!isScriptPath(path)) return [];
    const problems = await (await this.languages.service(workspaceId)).request<LangProblemsReply['problems']>({ op: 'problems', path });
    return problems[0]?.diagnostics ?? [];
  }
}
