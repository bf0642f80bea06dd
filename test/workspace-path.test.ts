import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadPathError, baseName, normalizeWorkspacePath, parentOf } from '../lib/workspace-path';

describe('workspace paths', () => {
  it('accepts ordinary relative paths unchanged', () => {
    for (const p of ['a.ts', 'src/index.ts', 'src/deep/x y.tsx', '.env', 'dir.with.dots/file', '…unicode/файл.md']) {
      assert.equal(normalizeWorkspacePath(p), p);
    }
  });

  it('refuses every way out of the workspace', () => {
    const bad = ['', '/etc/passwd', '../x', 'a/../../x', 'a/./b', 'a//b', 'a/', 'a\\..\\b', 'a%2e%2e', '%2e%2e/x', 'a\u0000b', 'a\nb', '.git/config', 'x/.git/HEAD', 'a'.repeat(2000)];
    for (const p of bad) assert.throws(() => normalizeWorkspacePath(p), BadPathError, JSON.stringify(p));
  });

  it('splits parent and base name', () => {
    assert.equal(parentOf('src/a/b.ts'), 'src/a');
    assert.equal(parentOf('b.ts'), '');
    assert.equal(baseName('src/a/b.ts'), 'b.ts');
  });
});
