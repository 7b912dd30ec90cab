import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { codeActionsFor } from '../../../server/src/lsp/convert';

describe('code actions', () => {
  const diagnostic = (code: string, line: number): Diagnostic => ({
    range: { start: { line, character: 4 }, end: { line, character: 20 } },
    severity: DiagnosticSeverity.Warning,
    source: 'ha-security',
    code,
    message: 'finding',
    data: { suggestions: [{ title: 'Pin acme-client==1.2.0', safe: false, edits: [{ range: { start: { line, character: 4 }, end: { line, character: 20 } }, newText: '"acme-client==1.2.0"' }] }] },
  });

  it('offers "ignore on this line" in Python files, where the pragma is a comment', () => {
    const actions = codeActionsFor('file:///w/custom_components/acme/sensor.py', diagnostic('log-secret', 3), 1, '    _LOGGER.debug("%s", token)');
    assert.deepEqual(actions.map((action) => action.title), ['Pin acme-client==1.2.0', 'Ignore log-secret on this line']);
  });

  it('offers no pragma in manifest.json, where a comment would make the JSON invalid', () => {
    const actions = codeActionsFor('file:///w/custom_components/acme/manifest.json', diagnostic('unpinned-requirement', 5), 1, '    "acme-client",');
    assert.deepEqual(actions.map((action) => action.title), ['Pin acme-client==1.2.0']);
  });
  it('offers no pragma where a comment cannot end the line: after a backslash continuation, inside an open triple-quoted string', () => {
    for (const line of ['    return con.execute("SELECT * FROM t WHERE n = \'%s\'" \\', '    return con.execute(f"""', "    cur.execute('''SELECT"]) {
      const actions = codeActionsFor('file:///w/custom_components/acme/db.py', diagnostic('sql-string-built', 3), 1, line);
      assert.deepEqual(actions.map((action) => action.title), ['Pin acme-client==1.2.0'], line);
    }
    const closed = codeActionsFor('file:///w/custom_components/acme/db.py', diagnostic('sql-string-built', 3), 1, '    con.execute(f"""SELECT {x}""")');
    assert.equal(closed.length, 2);
  });
});
