import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { DocSync, ownRemoteOrigin } from '../components/editor/doc-sync';
import type { LangDiagnostic } from '../lib/protocol';
import { isValidIdentifier } from '../server/language/language-queries';
import { bearer, connectClient, createWorkspace, eventually, request, startServer, type CreatedWorkspace, type TestServer } from './support/server';

/** The language service starts a worker and reads TypeScript's library on first use. */
const FIRST_ANSWER_MS = 30_000;
const PUSH_MS = 15_000;

const SHAPES = [
  'export interface Shape {',
  '  kind: string;',
  '  area(): number;',
  '}',
  '',
  'export function makeSquare(side: number): Shape {',
  "  return { kind: 'square', area: () => side * side };",
  '}',
  '',
  '/** Doubles a number. */',
  'export function double(n: number): number {',
  '  return n * 2;',
  '}',
  '',
].join('\n');

const MAIN = [
  "import { double, makeSquare } from './shapes.js';",
  '',
  'const sq = makeSquare(2);',
  'const total: number = double(sq.area());',
  'console.log(total, sq.kind);',
  '',
].join('\n');

const live = (sync: DocSync) => eventually(() => sync.getStatus().phase, (p) => p === 'live');

/** Collects the diagnostics the server pushes to a socket, by file. */
function pushedDiagnostics(socket: Socket): Map<string, LangDiagnostic[]> {
  const latest = new Map<string, LangDiagnostic[]>();
  socket.on('lang:diagnostics', (msg: { path: string; diagnostics: LangDiagnostic[] }) => latest.set(msg.path, msg.diagnostics));
  return latest;
}

const hasCode = (code: number) => (d: LangDiagnostic[] | undefined) => Boolean(d?.some((x) => x.code === code));
const clean = (d: LangDiagnostic[] | undefined) => d !== undefined && d.length === 0;

describe('language intelligence for TypeScript and JavaScript', () => {
  let t: TestServer;
  let ws: CreatedWorkspace;
  let socket: Socket;
  let pushed: Map<string, LangDiagnostic[]>;
  const put = async (path: string, body: string) => {
    const res = await fetch(`${t.url}/api/workspaces/${ws.id}/files/${path}`, { method: 'PUT', headers: bearer(ws.editToken), body });
    assert.ok(res.ok, `PUT ${path}: ${res.status}`);
  };
  const at = (text: string, needle: string, delta = 0) => {
    const i = text.indexOf(needle);
    assert.ok(i >= 0, `${needle} in text`);
    return i + delta;
  };

  before(async () => {
    t = await startServer();
    ws = await createWorkspace(t.url);
    await put('src/shapes.ts', SHAPES);
    await put('src/main.ts', MAIN);
    socket = await connectClient(t.url, ws.id, ws.editToken);
    pushed = pushedDiagnostics(socket);
  });
  after(async () => {
    socket?.close();
    await t?.close();
  });

  it('hover gives the type and documentation of a symbol', async () => {
    const first = await socket.timeout(FIRST_ANSWER_MS).emitWithAck('lang:hover', { path: 'src/main.ts', offset: at(MAIN, 'sq =') });
    assert.equal(first.ok, true);
    assert.equal(first.hover.display, 'const sq: Shape');
    const doc = await request(socket, 'lang:hover', { path: 'src/main.ts', offset: at(MAIN, 'double(sq', 2) });
    assert.match(doc.hover.display, /double\(n: number\): number/);
    assert.equal(doc.hover.docs, 'Doubles a number.');
    assert.equal(doc.hover.from, at(MAIN, 'double(sq'));
  });

  it('goes to a definition in another file', async () => {
    const reply = await request(socket, 'lang:definition', { path: 'src/main.ts', offset: at(MAIN, 'makeSquare(2)', 3) });
    assert.equal(reply.ok, true);
    assert.equal(reply.locations.length, 1);
    const [def] = reply.locations;
    assert.equal(def.path, 'src/shapes.ts');
    assert.equal(def.from, at(SHAPES, 'makeSquare'));
    assert.equal(def.line, 6);
    assert.equal(def.lineText, 'export function makeSquare(side: number): Shape {');
  });

  it('lists references across files', async () => {
    const reply = await request(socket, 'lang:references', { path: 'src/shapes.ts', offset: at(SHAPES, 'double') });
    const places = reply.locations.map((l: { path: string; line: number }) => `${l.path}:${l.line}`).sort();
    assert.deepEqual(places, ['src/main.ts:1', 'src/main.ts:4', 'src/shapes.ts:11']);
  });

  it('completes members from the language service', async () => {
    const reply = await request(socket, 'lang:completions', { path: 'src/main.ts', offset: at(MAIN, 'sq.area', 3) });
    assert.equal(reply.isMember, true);
    const labels = reply.completions.map((c: { label: string }) => c.label);
    assert.ok(labels.includes('area') && labels.includes('kind'), labels.join(','));
    assert.equal(reply.completions.find((c: { label: string }) => c.label === 'area').kind, 'method');
  });

  it('a type error appears and clears as the live text changes', async () => {
    const doc = new DocSync(socket, 'src/main.ts');
    await live(doc);
    const line = "const wrong: string = 42;\n";
    doc.text.insert(doc.text.length, line);
    const found = await eventually(() => pushed.get('src/main.ts'), hasCode(2322), PUSH_MS);
    const error = found!.find((d) => d.code === 2322)!;
    assert.equal(error.severity, 'error');
    assert.equal(MAIN.length + line.indexOf('wrong'), error.from);
    assert.equal(error.line, 6);
    assert.match(error.message, /not assignable to type 'string'/);
    const problems = await request(socket, 'lang:problems', {});
    assert.ok(problems.problems.some((p: { path: string }) => p.path === 'src/main.ts'));
    doc.text.delete(MAIN.length, line.length);
    await eventually(() => pushed.get('src/main.ts'), clean, PUSH_MS);
    doc.destroy();
  });

  it('editing an export updates the diagnostics of the files that import it', async () => {
    const main = new DocSync(socket, 'src/main.ts');
    const shapes = new DocSync(await connectClient(t.url, ws.id, ws.editToken), 'src/shapes.ts');
    await Promise.all([live(main), live(shapes)]);
    const name = at(SHAPES, 'double(n');
    shapes.text.delete(name, 'double'.length);
    shapes.text.insert(name, 'twice');
    await eventually(() => pushed.get('src/main.ts'), hasCode(2305), PUSH_MS); // has no exported member 'double'
    shapes.text.delete(name, 'twice'.length);
    shapes.text.insert(name, 'double');
    await eventually(() => pushed.get('src/main.ts'), clean, PUSH_MS);
    main.destroy();
    shapes.destroy();
  });

  it('renames a symbol in every file through the live documents', async () => {
    const main = new DocSync(socket, 'src/main.ts');
    await live(main);
    const reply = await request(socket, 'lang:rename', { path: 'src/main.ts', offset: at(MAIN, 'makeSquare(2)'), newName: 'squareOf' });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.deepEqual(reply.files.map((f: { path: string; edits: number }) => `${f.path}:${f.edits}`).sort(), ['src/main.ts:2', 'src/shapes.ts:1']);
    // The open file changes in the editor; the closed one is edited, saved and unloaded.
    await eventually(() => main.text.toString(), (text) => text === MAIN.replaceAll('makeSquare', 'squareOf'));
    assert.equal(readFileSync(join(t.dataDir, 'workspaces', ws.id, 'src/shapes.ts'), 'utf8'), SHAPES.replace('makeSquare', 'squareOf'));
    assert.equal(t.server.liveDocs.get(ws.id, 'src/shapes.ts'), undefined);
    const back = await request(socket, 'lang:rename', { path: 'src/main.ts', offset: at(MAIN, 'makeSquare(2)'), newName: 'makeSquare' });
    assert.equal(back.ok, true);
    await eventually(() => main.text.toString(), (text) => text === MAIN);
    main.destroy();
  });

  it("a rename is one undo step in the requester's editor, and undoing it reaches collaborators", async () => {
    const main = new DocSync(socket, 'src/main.ts');
    const other = new DocSync(await connectClient(t.url, ws.id, ws.editToken), 'src/main.ts');
    await Promise.all([live(main), live(other)]);
    // The editor's undo manager tracks this client's own changes, as components/editor/collab.ts sets it up.
    const undo = new Y.UndoManager(main.text);
    undo.addTrackedOrigin(ownRemoteOrigin);
    const otherUndo = new Y.UndoManager(other.text);
    otherUndo.addTrackedOrigin(ownRemoteOrigin);
    const reply = await request(socket, 'lang:rename', { path: 'src/main.ts', offset: at(MAIN, 'double(sq'), newName: 'twice' });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    const renamed = MAIN.replaceAll('double', 'twice');
    await eventually(() => [main.text.toString(), other.text.toString()], ([a, b]) => a === renamed && b === renamed);
    assert.equal(undo.undoStack.length, 1, 'one undo step for the whole file');
    assert.equal(otherUndo.undoStack.length, 0, "a collaborator's undo does not include it");
    undo.undo();
    await eventually(() => [main.text.toString(), other.text.toString()], ([a, b]) => a === MAIN && b === MAIN);
    // Undo covered this file only: the other file keeps the new name until renamed back there.
    const shapesNow = SHAPES.replace('function double', 'function twice');
    assert.equal(readFileSync(join(t.dataDir, 'workspaces', ws.id, 'src/shapes.ts'), 'utf8'), shapesNow);
    const back = await request(socket, 'lang:rename', { path: 'src/shapes.ts', offset: at(shapesNow, 'twice(n'), newName: 'double' });
    assert.equal(back.ok, true, JSON.stringify(back));
    await eventually(() => readFileSync(join(t.dataDir, 'workspaces', ws.id, 'src/shapes.ts'), 'utf8'), (text) => text === SHAPES);
    main.destroy();
    other.destroy();
  });

  it('answers the internal facts the AI features use', async () => {
    const facts = t.server.languageFacts;
    assert.equal(await facts.typeAt(ws.id, 'src/main.ts', at(MAIN, 'total:')), 'number');
    assert.equal(await facts.typeAt(ws.id, 'src/main.ts', at(MAIN, 'sq.area', 3)), '() => number');
    const near = await facts.definitionsNear(ws.id, 'src/main.ts', at(MAIN, 'const total'));
    const double = near.find((d) => d.name === 'double');
    assert.ok(double, JSON.stringify(near.map((d) => d.name)));
    assert.equal(double.path, 'src/shapes.ts');
    assert.match(double.text, /^export function double\(n: number\): number \{\n  return n \* 2;\n\}$/);
    assert.ok(near.some((d) => d.name === 'Shape' || d.name === 'makeSquare'));
    assert.deepEqual(await facts.diagnostics(ws.id, 'src/main.ts'), []);
    assert.deepEqual(await facts.diagnostics(ws.id, 'README.md'), []);
    assert.equal(await facts.typeAt(ws.id, 'README.md', 0), null);
  });

  it('honours tsconfig.json: turning strict off removes an implicit-any error', async () => {
    await put('src/loose.ts', 'export function echo(x) {\n  return x;\n}\n');
    await eventually(() => pushed.get('src/loose.ts'), hasCode(7006), PUSH_MS);
    const config = JSON.parse(readFileSync(join(t.dataDir, 'workspaces', ws.id, 'tsconfig.json'), 'utf8'));
    config.compilerOptions.strict = false;
    await put('tsconfig.json', JSON.stringify(config, null, 2));
    await eventually(() => pushed.get('src/loose.ts'), clean, PUSH_MS);
    config.compilerOptions.strict = true;
    await put('tsconfig.json', JSON.stringify(config, null, 2));
    await eventually(() => pushed.get('src/loose.ts'), hasCode(7006), PUSH_MS);
  });

  it('follows the tree: a deleted module breaks its importers, restoring it mends them', async () => {
    const res = await fetch(`${t.url}/api/workspaces/${ws.id}/files/src/shapes.ts`, { method: 'DELETE', headers: bearer(ws.editToken) });
    assert.ok(res.ok);
    await eventually(() => pushed.get('src/main.ts'), hasCode(2307), PUSH_MS); // cannot find module
    await put('src/shapes.ts', SHAPES);
    await eventually(() => pushed.get('src/main.ts'), clean, PUSH_MS);
  });

  describe('bad input degrades gracefully', () => {
    const stillAnswers = async () => {
      const reply = await request(socket, 'lang:hover', { path: 'src/main.ts', offset: at(MAIN, 'sq =') });
      assert.equal(reply.hover?.display, 'const sq: Shape');
    };

    it('a syntactically broken file gets syntax errors, and the rest keeps working', async () => {
      await put('src/broken.ts', 'export function (a, {\n  const = ;\n');
      const found = await eventually(() => pushed.get('src/broken.ts'), (d) => Boolean(d?.length), PUSH_MS);
      assert.ok(found!.every((d) => d.from >= 0 && d.to >= d.from));
      await request(socket, 'lang:hover', { path: 'src/broken.ts', offset: 10 });
      await request(socket, 'lang:completions', { path: 'src/broken.ts', offset: 30 });
      await stillAnswers();
    });

    it('a file near the size limit is checked without harm', async () => {
      const line = 'export const value0000000 = [1, 2, 3].map((x) => x * 2);\n';
      const lines = Array.from({ length: Math.floor(1_000_000 / line.length) }, (_, i) => line.replace('0000000', String(i).padStart(7, '0')));
      const text = lines.join('') + "export const broken: number = 'text';\n";
      await put('src/huge.ts', text);
      const found = await eventually(() => pushed.get('src/huge.ts'), hasCode(2322), 60_000);
      assert.equal(found!.length, 1);
      const hover = await request(socket, 'lang:hover', { path: 'src/huge.ts', offset: text.length - 20 });
      assert.equal(hover.ok, true);
      await stillAnswers();
    });

    it('files that are not TypeScript or JavaScript get empty answers', async () => {
      for (const path of ['README.md', 'package.json', 'src/style.css']) {
        assert.deepEqual(await request(socket, 'lang:hover', { path, offset: 0 }), { ok: true, hover: null });
        assert.deepEqual(await request(socket, 'lang:definition', { path, offset: 0 }), { ok: true, locations: [] });
        assert.deepEqual(await request(socket, 'lang:completions', { path, offset: 0 }), { ok: true, completions: [], isMember: false });
        assert.deepEqual(await request(socket, 'lang:problems', { path }), { ok: true, problems: [] });
      }
      const rename = await request(socket, 'lang:rename', { path: 'README.md', offset: 0, newName: 'x' });
      assert.equal(rename.error.code, 'bad-request');
    });

    it('offsets out of range and malformed messages get error replies', async () => {
      const past = await request(socket, 'lang:hover', { path: 'src/main.ts', offset: MAIN.length + 100 });
      assert.equal(past.ok, false);
      assert.equal(past.error.code, 'bad-request');
      assert.match(past.error.message, /past the end/);
      for (const bad of [{ path: 'src/main.ts', offset: -1 }, { path: 'src/main.ts', offset: 1.5 }, { path: 'src/main.ts' }, { path: '../x.ts', offset: 0 }, { path: 'src/main.ts', offset: 0, extra: 1 }]) {
        const reply = await request(socket, 'lang:definition', bad);
        assert.equal(reply.ok, false, JSON.stringify(bad));
      }
      assert.deepEqual(await request(socket, 'lang:hover', { path: 'src/missing.ts', offset: 0 }), { ok: true, hover: null });
      await stillAnswers();
    });

    it('renaming to something that is not an identifier is refused, and so is renaming a library symbol', async () => {
      for (const newName of ['1abc', 'class', 'a b', 'x-y', '']) {
        const reply = await request(socket, 'lang:rename', { path: 'src/main.ts', offset: at(MAIN, 'sq ='), newName });
        assert.equal(reply.ok, false, newName);
        assert.equal(reply.error.code, 'bad-request');
      }
      const lib = await request(socket, 'lang:rename', { path: 'src/main.ts', offset: at(MAIN, 'console'), newName: 'konsole' });
      assert.equal(lib.ok, false);
      assert.match(lib.error.message, /standard TypeScript library/);
      await stillAnswers();
    });

    it('a view link cannot rename', async () => {
      const viewer = await connectClient(t.url, ws.id, ws.viewToken);
      const reply = await request(viewer, 'lang:rename', { path: 'src/main.ts', offset: at(MAIN, 'sq ='), newName: 'square' });
      assert.equal(reply.ok, false);
      assert.equal(reply.error.code, 'forbidden');
      const hover = await request(viewer, 'lang:hover', { path: 'src/main.ts', offset: at(MAIN, 'sq =') });
      assert.equal(hover.hover.display, 'const sq: Shape');
      viewer.close();
    });
  });

  it('knows which names are identifiers', () => {
    for (const ok of ['a', '_x', '$', 'type', 'as', 'of', 'async', 'ümlaut']) assert.equal(isValidIdentifier(ok), true, ok);
    for (const bad of ['', '1a', 'class', 'const', 'a.b', 'a b', 'let', 'yield']) assert.equal(isValidIdentifier(bad), false, bad);
  });
});
