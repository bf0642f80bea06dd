/**
 * The chat role against a real OpenAI-compatible HTTP server on a local socket (node:http answering
 * the chat completions shape): the request it sends, the code it takes from the reply, and a clear
 * error for every kind of bad answer.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ChatError, extractCode, fileLanguage, requestSketch } from '../server/chat-sketch';
import { readChatConfig, type ChatConfig } from '../server/config';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** An HTTP server whose answer each test sets; records the requests it got. */
async function chatServer(): Promise<{ url: string; server: Server; requests: { url: string; headers: IncomingMessage['headers']; body: any }[]; handle: (h: Handler) => void }> {
  let handler: Handler = (_req, _body, res) => res.writeHead(500).end();
  const requests: { url: string; headers: IncomingMessage['headers']; body: any }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(body);
      } catch {}
      requests.push({ url: req.url ?? '', headers: req.headers, body: parsed });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/v1`, server, requests, handle: (h) => (handler = h) };
}

function completion(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  });
}

const FILE = "export function greet(name: string) {\n  return 'hello ' + name;\n}\n\nexport const x = 1;\n";

describe('chat sketches over HTTP', () => {
  let chat: Awaited<ReturnType<typeof chatServer>>;
  let config: ChatConfig;
  before(async () => {
    chat = await chatServer();
    config = { baseUrl: chat.url, apiKey: 'sk-test', model: 'test-model', timeoutMs: 5000 };
  });
  after(() => new Promise<void>((r) => chat.server.close(() => r())));

  it('posts an OpenAI chat completion and returns the code block of the reply', async () => {
    const sketch = "// ... existing code ...\nexport function greet(name: string) {\n  return `hello ${name}`;\n}\n// ... existing code ...";
    chat.handle((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(completion(`Here you go:\n\n\`\`\`ts\n${sketch}\n\`\`\`\n`)));
    const got = await requestSketch(config, { path: 'src/greet.ts', text: FILE, selection: { from: 0, to: 40 }, instruction: 'use a template string' });
    assert.equal(got, sketch + '\n');
    const sent = chat.requests.at(-1)!;
    assert.equal(sent.url, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, 'Bearer sk-test');
    assert.equal(sent.body.model, 'test-model');
    assert.equal(sent.body.stream, false);
    assert.equal(sent.body.messages[0].role, 'system');
    assert.match(sent.body.messages[0].content, /\/\/ \.\.\. existing code \.\.\./);
    assert.match(sent.body.messages[1].content, /src\/greet\.ts/);
    assert.ok(sent.body.messages[1].content.includes(FILE));
    assert.match(sent.body.messages[1].content, /selected lines 1-2/);
    assert.match(sent.body.messages[1].content, /Instruction: use a template string/);
  });

  it('asks for elisions in the comment syntax of the file, and sends no key when none is set', async () => {
    chat.handle((_req, _body, res) => res.writeHead(200).end(completion('```python\nx = 2\n```')));
    assert.equal(await requestSketch({ ...config, apiKey: null }, { path: 'app.py', text: 'x = 1\n', instruction: 'two' }), 'x = 2\n');
    const sent = chat.requests.at(-1)!;
    assert.equal(sent.headers.authorization, undefined);
    assert.match(sent.body.messages[0].content, /# \.\.\. existing code \.\.\./);
    assert.match(sent.body.messages[0].content, /Python/);
  });

  it('an HTTP error names the status and the endpoint message', async () => {
    chat.handle((_req, _body, res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'model overloaded' } })));
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: FILE, instruction: 'x' }), (e: Error) => {
      assert.ok(e instanceof ChatError);
      assert.match(e.message, /HTTP 500: model overloaded/);
      return true;
    });
    chat.handle((_req, _body, res) => res.writeHead(401).end('<html>Unauthorized</html>'));
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: FILE, instruction: 'x' }), /HTTP 401: <html>Unauthorized<\/html>/);
  });

  it('a reply that is not JSON, has no choices or no content is a clear error', async () => {
    chat.handle((_req, _body, res) => res.writeHead(200).end('this is not json'));
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: FILE, instruction: 'x' }), /not JSON/);
    chat.handle((_req, _body, res) => res.writeHead(200).end(JSON.stringify({ choices: [] })));
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: FILE, instruction: 'x' }), /no choices/);
    chat.handle((_req, _body, res) => res.writeHead(200).end(JSON.stringify({ object: 'chat.completion' })));
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: FILE, instruction: 'x' }), /no choices/);
    chat.handle((_req, _body, res) => res.writeHead(200).end(completion('   ')));
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: FILE, instruction: 'x' }), /empty reply/);
    chat.handle((_req, _body, res) => res.writeHead(200).end(completion('```ts\n\n```')));
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: FILE, instruction: 'x' }), /no code/);
  });

  it('gives up after the timeout; an abort by the caller rejects with AbortError', async () => {
    const stalled: ServerResponse[] = [];
    chat.handle((_req, _body, res) => stalled.push(res));
    await assert.rejects(requestSketch({ ...config, timeoutMs: 300 }, { path: 'a.ts', text: FILE, instruction: 'x' }), /did not answer within 0.3 s/);
    const controller = new AbortController();
    const pending = requestSketch(config, { path: 'a.ts', text: FILE, instruction: 'x' }, controller.signal);
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
    for (const res of stalled) res.destroy();
  });

  it('an unreachable endpoint says so', async () => {
    const closed = await chatServer();
    await new Promise<void>((r) => closed.server.close(() => r()));
    await assert.rejects(requestSketch({ ...config, baseUrl: closed.url }, { path: 'a.ts', text: FILE, instruction: 'x' }), /could not reach the chat endpoint at .*ECONNREFUSED/);
  });

  it('refuses an empty instruction and a file too large for a chat context before asking', async () => {
    const count = chat.requests.length;
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: FILE, instruction: '  ' }), /instruction is empty/);
    await assert.rejects(requestSketch(config, { path: 'a.ts', text: 'x'.repeat(300_000), instruction: 'y' }), /too large to send/);
    assert.equal(chat.requests.length, count);
  });
});

describe('chat sketch helpers', () => {
  it('extracts the longest fenced block, an unterminated one, or the bare reply', () => {
    assert.equal(extractCode('```js\na()\n```\nand\n```js\nlonger()\nb()\n```'), 'longer()\nb()\n');
    assert.equal(extractCode('Sure:\n```ts\nconst a = 1;\n// ... existing code ...'), 'const a = 1;\n// ... existing code ...\n');
    assert.equal(extractCode('const a = 1;'), 'const a = 1;\n');
    assert.equal(extractCode('~~~\nx\n~~~'), 'x\n');
    assert.equal(extractCode('```\n```'), null);
  });

  it('knows the comment syntax of common languages', () => {
    assert.equal(fileLanguage('a/b.ts').comment('x'), '// x');
    assert.equal(fileLanguage('main.py').comment('x'), '# x');
    assert.equal(fileLanguage('style.css').comment('x'), '/* x */');
    assert.equal(fileLanguage('index.html').comment('x'), '<!-- x -->');
    assert.equal(fileLanguage('query.sql').comment('x'), '-- x');
    assert.equal(fileLanguage('README').comment('x'), '// x');
  });

  it('reads the chat configuration and refuses bad values', () => {
    assert.equal(readChatConfig({}), null);
    assert.deepEqual(readChatConfig({ LOOKAHEAD_CHAT_BASE_URL: 'http://localhost:8080/v1/', LOOKAHEAD_CHAT_MODEL: 'qwen' }), {
      baseUrl: 'http://localhost:8080/v1',
      apiKey: null,
      model: 'qwen',
      timeoutMs: 60_000,
    });
    assert.equal(readChatConfig({ LOOKAHEAD_CHAT_BASE_URL: 'https://api.openai.com/v1', LOOKAHEAD_CHAT_MODEL: 'm', LOOKAHEAD_CHAT_API_KEY: 'k' })?.apiKey, 'k');
    assert.throws(() => readChatConfig({ LOOKAHEAD_CHAT_BASE_URL: 'ftp://example.com', LOOKAHEAD_CHAT_MODEL: 'm' }), /http\(s\) URL/);
    assert.throws(() => readChatConfig({ LOOKAHEAD_CHAT_BASE_URL: 'not a url', LOOKAHEAD_CHAT_MODEL: 'm' }), /http\(s\) URL/);
    assert.throws(() => readChatConfig({ LOOKAHEAD_CHAT_BASE_URL: 'http://localhost:8080/v1' }), /LOOKAHEAD_CHAT_MODEL/);
    assert.throws(() => readChatConfig({ LOOKAHEAD_CHAT_BASE_URL: 'http://h/v1', LOOKAHEAD_CHAT_MODEL: 'm', LOOKAHEAD_CHAT_TIMEOUT_MS: 'soon' }), /TIMEOUT_MS/);
  });
});
