import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as Y from 'yjs';
import { classifyFile, isSecretLooking } from '../lib/file-kind';
import { diffText } from '../lib/text-diff';
import { EditHistory, recordsFromDelta } from '../server/edit-history';
import { runSeed, seededRandom } from './support/random';

/** Regression seeds that once failed stay here and run every time. */
const PINNED_SEEDS = [1, 42, 20261125];
const ALPHABET = 'ab \n{}😀é';
/** Editors never split a surrogate pair (Yjs would turn the halves into U+FFFD), so random edits
 * of a Yjs text use characters of the basic plane only. */
const BMP_ALPHABET = 'ab \n{}中é';

function randomText(rand: () => number, max: number, alphabet = ALPHABET): string {
  const chars = [...alphabet];
  let s = '';
  const n = Math.floor(rand() * max);
  for (let i = 0; i < n; i++) s += chars[Math.floor(rand() * chars.length)];
  return s;
}

function mutate(rand: () => number, text: string): string {
  const from = Math.floor(rand() * (text.length + 1));
  const to = Math.min(text.length, from + Math.floor(rand() * 5));
  return text.slice(0, from) + randomText(rand, 6) + text.slice(to);
}

describe('diffText', () => {
  for (const seed of [...PINNED_SEEDS, runSeed()]) {
    it(`one replacement turns before into after, never splitting surrogate pairs (seed ${seed})`, () => {
      const rand = seededRandom(seed);
      for (let i = 0; i < 500; i++) {
        const before = randomText(rand, 40);
        const after = rand() < 0.5 ? mutate(rand, before) : randomText(rand, 40);
        const change = diffText(before, after);
        if (before === after) {
          assert.equal(change, null);
          continue;
        }
        assert.ok(change);
        const applied = before.slice(0, change.from) + change.insert + before.slice(change.from + change.deleteCount);
        assert.equal(applied, after, `seed ${seed} case ${i}`);
        const isLow = (s: string, i: number) => /[\udc00-\udfff]/.test(s[i] ?? '');
        assert.ok(!isLow(before, change.from), `seed ${seed}: replacement starts inside a surrogate pair`);
        assert.ok(!isLow(before, change.from + change.deleteCount), `seed ${seed}: replacement ends inside a surrogate pair`);
      }
    });
  }
});

describe('edit history', () => {
  for (const seed of [...PINNED_SEEDS, runSeed()]) {
    it(`records replayed in order rebuild the document (seed ${seed})`, () => {
      const rand = seededRandom(seed);
      const doc = new Y.Doc();
      const text = doc.getText('content');
      text.insert(0, randomText(rand, 50, BMP_ALPHABET));
      let shadow = text.toString();
      text.observe((event) => {
        let replay = shadow;
        for (const r of recordsFromDelta(shadow, event.delta as never, 'me', 1)) {
          assert.equal(replay.slice(r.from, r.from + r.deleted.length), r.deleted, `seed ${seed}`);
          replay = replay.slice(0, r.from) + r.inserted + replay.slice(r.from + r.deleted.length);
        }
        shadow = text.toString();
        assert.equal(replay, shadow, `seed ${seed}`);
      });
      for (let i = 0; i < 200; i++) {
        doc.transact(() => {
          for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) {
            const pos = Math.floor(rand() * (text.length + 1));
            if (rand() < 0.5 && text.length > pos) text.delete(pos, Math.min(text.length - pos, 1 + Math.floor(rand() * 4)));
            else text.insert(pos, randomText(rand, 5, BMP_ALPHABET) || 'x');
          }
        });
      }
    });
  }

  it('keeps only the most recent entries', () => {
    const history = new EditHistory(3);
    for (let i = 0; i < 5; i++) history.add({ at: i, author: 'a', from: i, deleted: '', inserted: String(i) });
    assert.deepEqual(history.recent().map((r) => r.inserted), ['2', '3', '4']);
    assert.deepEqual(history.recent(1).map((r) => r.inserted), ['4']);
  });

  it('a replacement is one record', () => {
    const records = recordsFromDelta('hello world', [{ retain: 6 }, { insert: 'there' }, { delete: 5 }], 'me', 5);
    assert.deepEqual(records, [{ at: 5, author: 'me', from: 6, deleted: 'world', inserted: 'there' }]);
  });
});

describe('file kinds', () => {
  it('tells text from binary and oversized files', () => {
    assert.equal(classifyFile(new TextEncoder().encode('const a = "é";\n')), 'text');
    assert.equal(classifyFile(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1])), 'binary');
    assert.equal(classifyFile(new Uint8Array([0xff, 0xfe, 0x41])), 'binary');
    assert.equal(classifyFile(new Uint8Array(1024 * 1024 + 1).fill(65)), 'too-large');
  });

  it('knows secret-looking files', () => {
    for (const p of ['.env', 'config/.env.local', 'certs/server.pem', '.ssh/id_rsa', 'k.key']) assert.ok(isSecretLooking(p), p);
    for (const p of ['src/env.ts', 'README.md', 'keys.ts']) assert.ok(!isSecretLooking(p), p);
  });
});
