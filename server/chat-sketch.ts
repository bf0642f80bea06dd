/**
 * The `chat` role for Cmd/Ctrl-K: asks an OpenAI-compatible chat completions endpoint for a lazy
 * sketch of the edit an instruction describes (only the changed parts, unchanged stretches elided
 * with `// ... existing code ...` comments in the file's own comment syntax), and returns the code
 * block of its reply. The apply model then turns the sketch into the whole updated file.
 *
 * Failures are ChatError with a message fit for the user (HTTP errors, timeouts, unreachable
 * endpoint, unreadable or empty replies); aborting the caller's signal rejects with AbortError.
 */
import type { ChatConfig } from './config';

export interface SketchRequest {
  path: string;
  /** The file's text as the edit should start from. */
  text: string;
  /** What the user selected (UTF-16 offsets into `text`); the edit concentrates there. */
  selection?: { from: number; to: number } | null;
  instruction: string;
}

export class ChatError extends Error {
  override name = 'ChatError';
}

/** Files larger than this are not sent to the chat model: they would not fit a usual context. */
export const MAX_CHAT_FILE_CHARS = 256 * 1024;

/** How much of an error reply's body is quoted in the message. */
const QUOTED_ERROR_CHARS = 300;

export interface FileLanguage {
  name: string;
  /** Writes an elision comment in the language's syntax. */
  comment: (text: string) => string;
}

const line = (prefix: string) => (text: string) => `${prefix} ${text}`;
const block = (open: string, close: string) => (text: string) => `${open} ${text} ${close}`;

const languages: [string[], string, (text: string) => string][] = [
  [['ts', 'mts', 'cts'], 'TypeScript', line('//')],
  [['tsx'], 'TypeScript JSX', line('//')],
  [['js', 'mjs', 'cjs'], 'JavaScript', line('//')],
  [['jsx'], 'JavaScript JSX', line('//')],
  [['c', 'h'], 'C', line('//')],
  [['cc', 'cpp', 'cxx', 'hpp', 'hh'], 'C++', line('//')],
  [['cs'], 'C#', line('//')],
  [['java'], 'Java', line('//')],
  [['kt', 'kts'], 'Kotlin', line('//')],
  [['go'], 'Go', line('//')],
  [['rs'], 'Rust', line('//')],
  [['swift'], 'Swift', line('//')],
  [['scala'], 'Scala', line('//')],
  [['dart'], 'Dart', line('//')],
  [['php'], 'PHP', line('//')],
  [['json', 'jsonc'], 'JSON', line('//')],
  [['py', 'pyi'], 'Python', line('#')],
  [['rb'], 'Ruby', line('#')],
  [['sh', 'bash', 'zsh'], 'Shell', line('#')],
  [['yml', 'yaml'], 'YAML', line('#')],
  [['toml'], 'TOML', line('#')],
  [['r'], 'R', line('#')],
  [['pl', 'pm'], 'Perl', line('#')],
  [['ex', 'exs'], 'Elixir', line('#')],
  [['sql'], 'SQL', line('--')],
  [['lua'], 'Lua', line('--')],
  [['hs'], 'Haskell', line('--')],
  [['css', 'scss', 'less'], 'CSS', block('/*', '*/')],
  [['html', 'htm', 'xml', 'svg', 'vue', 'svelte'], 'HTML', block('<!--', '-->')],
  [['md', 'markdown'], 'Markdown', block('<!--', '-->')],
];

/** The language of a file by its extension, with its comment syntax (plain text uses `//`). */
export function fileLanguage(path: string): FileLanguage {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (name === 'Dockerfile' || name === 'Makefile') return { name, comment: line('#') };
  for (const [exts, language, comment] of languages) if (exts.includes(ext)) return { name: language, comment };
  return { name: 'plain text', comment: line('//') };
}

export function sketchPrompt(req: SketchRequest): { system: string; user: string } {
  const language = fileLanguage(req.path);
  const elision = language.comment('... existing code ...');
  const system = [
    `You edit ${language.name} code. Answer with one fenced code block and nothing else.`,
    'The block is a lazy sketch of the whole edited file: write out only the code you change or add, with',
    'two or three unchanged lines around each change so it can be located, and replace every stretch of',
    `unchanged code with the comment \`${elision}\` on a line of its own (keep its indentation).`,
    'Never rewrite unchanged code in full, never leave changed code out, and keep the rest of the file as it is.',
  ].join('\n');
  const parts = [`File: ${req.path}`, '', '```', req.text, '```'];
  const sel = req.selection;
  if (sel && sel.to > sel.from) {
    const startLine = req.text.slice(0, sel.from).split('\n').length;
    const endLine = req.text.slice(0, sel.to).split('\n').length;
    parts.push('', `The user selected lines ${startLine}-${endLine}:`, '```', req.text.slice(sel.from, sel.to), '```');
  } else if (sel) {
    parts.push('', `The cursor is on line ${req.text.slice(0, sel.from).split('\n').length}.`);
  }
  parts.push('', `Instruction: ${req.instruction}`);
  return { system, user: parts.join('\n') };
}

/**
 * The code of a chat reply: the longest fenced code block, or the whole reply when it has no
 * fences. Null when there is no code at all.
 */
export function extractCode(reply: string): string | null {
  const fence = /^[ \t]*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?[ \t]*\1[ \t]*$/gm;
  let best: string | null = null;
  for (let m = fence.exec(reply); m; m = fence.exec(reply)) if (best === null || m[2].length > best.length) best = m[2];
  if (best === null) {
    // An unterminated fence (a reply cut off at its token limit): everything after it.
    const open = /^[ \t]*(`{3,}|~{3,})[^\n]*\n/m.exec(reply);
    best = open ? reply.slice(open.index + open[0].length) : reply;
  }
  const code = best.replace(/^\s*\n/, '').replace(/\s+$/, '');
  return code.trim() ? code + '\n' : null;
}

/** Asks the endpoint for a sketch; resolves with its code. */
export async function requestSketch(config: ChatConfig, req: SketchRequest, signal?: AbortSignal): Promise<string> {
  if (!req.instruction.trim()) throw new ChatError('the instruction is empty');
  if (req.text.length > MAX_CHAT_FILE_CHARS) {
    throw new ChatError(`the file is too large to send to the chat model (${req.text.length} characters, limit ${MAX_CHAT_FILE_CHARS}); paste a sketch instead`);
  }
  const { system, user } = sketchPrompt(req);
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const url = `${config.baseUrl}/chat/completions`;
  let body: string;
  let status: number;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
      body: JSON.stringify({
        model: config.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        temperature: 0,
        stream: false,
      }),
      signal: combined,
      redirect: 'error',
    });
    status = res.status;
    body = await res.text();
  } catch (e) {
    if (signal?.aborted) throw abortError();
    if (timeout.aborted) throw new ChatError(`the chat endpoint did not answer within ${config.timeoutMs / 1000} s`);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new ChatError(`could not reach the chat endpoint at ${config.baseUrl}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  if (status < 200 || status >= 300) throw new ChatError(`the chat endpoint answered HTTP ${status}${describeErrorBody(body)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ChatError('the chat endpoint answered something that is not JSON');
  }
  const choices = (parsed as { choices?: unknown })?.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new ChatError('the chat endpoint answered with no choices');
  const content = (choices[0] as { message?: { content?: unknown } })?.message?.content;
  if (typeof content !== 'string' || !content.trim()) throw new ChatError('the chat model gave an empty reply');
  const code = extractCode(content);
  if (!code) throw new ChatError('the chat model gave no code');
  return code;
}

/** ": <message>" from an OpenAI-style error body, or a short quote of the body. */
function describeErrorBody(body: string): string {
  let message: unknown;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
  } catch {
    message = body;
  }
  const text = typeof message === 'string' ? message.replace(/\s+/g, ' ').trim() : '';
  if (!text) return '';
  return `: ${text.length > QUOTED_ERROR_CHARS ? text.slice(0, QUOTED_ERROR_CHARS) + '…' : text}`;
}

function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}
