import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyTextEdits, combineFixes, safeFixes } from '../../../server/src/analysis/fixAll';
import type { Fix, TextEdit } from '../../../server/src/analysis/types';
import { analyzeSnippet, setup } from '../../helpers/analysis';

const edit = (line: number, start: number, end: number, newText: string): TextEdit => ({
  range: { start: { line, character: start }, end: { line, character: end } },
  newText,
});
const fix = (title: string, ...edits: TextEdit[]): Fix => ({ title, safe: true, edits });

describe('fix-all', () => {
  it('applies edits from the end so earlier positions stay valid', () => {
    assert.equal(applyTextEdits('abc\ndef\n', [edit(0, 0, 1, 'X'), edit(1, 1, 2, 'YY'), edit(2, 0, 0, 'end\n')]), 'Xbc\ndYYf\nend\n');
  });

  it('keeps the order of inserts at the same point', () => {
    assert.equal(applyTextEdits('body\n', [edit(0, 0, 0, 'import a\n'), edit(0, 0, 0, 'import b\n')]), 'import a\nimport b\nbody\n');
  });

  it('drops a fix that overlaps one already taken, whole', () => {
    const first = fix('first', edit(0, 0, 5, 'x'));
    const second = fix('second', edit(0, 3, 8, 'y'), edit(2, 0, 0, 'z'));
    const third = fix('third', edit(1, 0, 1, 'w'));
    const result = combineFixes([first, second, third]);
    assert.deepEqual(result.applied.map((applied) => applied.title), ['first', 'third']);
    assert.deepEqual(result.skipped.map((skipped) => skipped.title), ['second']);
    assert.equal(result.edits.length, 2);
  });

  it('applies an import added by two fixes once', () => {
    const addImport = edit(0, 0, 0, 'import hmac\n');
    const result = combineFixes([fix('a', addImport, edit(3, 4, 6, 'x')), fix('b', { ...addImport }, edit(5, 4, 6, 'y'))]);
    assert.equal(result.applied.length, 2);
    assert.equal(result.edits.filter((candidate) => candidate.newText === 'import hmac\n').length, 1);
  });

  describe('on real findings', () => {
    before(setup);

    it('writes the lines it adds with the line ending of a file written with CRLF', () => {
      const lines = ['"""Demo."""', 'import logging', '', 'from homeassistant.const import CONF_PASSWORD', '', '_LOGGER = logging.getLogger(__name__)', '', ''];
      const source = [...lines, 'async def async_setup_entry(hass, entry):', '    _LOGGER.debug("setup %s", entry.data)', '    return entry.data[CONF_PASSWORD]', ''].join('\r\n');
      const { edits } = combineFixes(safeFixes(analyzeSnippet(source).findings));
      assert.ok(edits.length > 0);
      const fixed = applyTextEdits(source, edits);
      assert.match(fixed, /TO_REDACT = \{CONF_PASSWORD\}/);
      assert.equal(fixed.split('\n').length, fixed.split('\r\n').length, 'every line break is CRLF');
    });

    it('removes an argument standing on its own lines with its comma and comment, leaving its neighbours as they were', () => {
      const source = ['import yaml', '', '', 'def load_cache(handle):', '    return yaml.load(', '        handle,  # the cache file', '        Loader=yaml.Loader,  # keeps tuples', '    )', ''].join('\n');
      const { edits } = combineFixes(safeFixes(analyzeSnippet(source).findings));
      assert.equal(applyTextEdits(source, edits), ['import yaml', '', '', 'def load_cache(handle):', '    return yaml.safe_load(', '        handle,  # the cache file', '    )', ''].join('\n'));
      const inline = 'import yaml\n\n\ndef load_cache(handle):\n    return yaml.load(handle, Loader=yaml.Loader)  # keeps tuples\n';
      assert.equal(applyTextEdits(inline, combineFixes(safeFixes(analyzeSnippet(inline).findings)).edits), 'import yaml\n\n\ndef load_cache(handle):\n    return yaml.safe_load(handle)  # keeps tuples\n');
    });
  });
});

