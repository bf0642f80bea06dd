import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Text } from '@codemirror/state';
import { detectIndentUnit } from '../components/editor/indentation';

const doc = (s: string) => Text.of(s.split('\n'));

describe('indentation detection', () => {
  it('finds two, four and tab indentation', () => {
    assert.equal(detectIndentUnit(doc('a {\n  b {\n    c\n  }\n}')), '  ');
    assert.equal(detectIndentUnit(doc('def f():\n    if x:\n        y\n    z')), '    ');
    assert.equal(detectIndentUnit(doc('a {\n\tb\n\t\tc\n}')), '\t');
  });

  it('knows nothing from a file without indentation', () => {
    assert.equal(detectIndentUnit(doc('a\nb\n\nc')), null);
    assert.equal(detectIndentUnit(doc('')), null);
  });

  it('is not fooled by one deep continuation line', () => {
    assert.equal(detectIndentUnit(doc('f(\n  a,\n  b,\n)\ng(\n  c,\n        aligned,\n)')), '  ');
  });
});
