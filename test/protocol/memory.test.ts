import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bigSource, MB, MEMORY_EDITS, memoryOverEdits, openInServer } from '../helpers/editing';

/**
 * Memory over a long editing session: the real server (with --expose-gc), a 3,000-line integration file and 10,000
 * incremental edits typed and deleted across its lines. Leaks here would be syntax trees or parsers never deleted
 * (wasm memory) or results kept per version (heap). The bound is generous: the point is "flat", not a figure.
 */

const GROWTH_LIMIT = 20 * MB;

let workspace: string;

describe('language server memory', () => {
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-memory-'));
    fs.mkdirSync(path.join(workspace, 'custom_components', 'demo'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'custom_components', 'demo', 'manifest.json'), JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client==1.0.0'] }));
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it(`grows by less than 20 MB (heap, and wasm memory) over ${MEMORY_EDITS.toLocaleString('en')} incremental edits of a 3,000-line file`, { timeout: 300_000 }, async (t) => {
    const file = path.join(workspace, 'custom_components', 'demo', 'big.py');
    const source = bigSource();
    fs.writeFileSync(file, source);
    const { client, uri, typist } = await openInServer(file, source);
    try {
      const { before, after: afterEdits } = await memoryOverEdits(client, uri, typist, 1);

      const growth = {
        heapUsed: afterEdits.heapUsed - before.heapUsed,
        external: afterEdits.external - before.external,
        wasmMemory: afterEdits.wasmMemory - before.wasmMemory,
      };
      const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;
      t.diagnostic(`before: heap ${mb(before.heapUsed)}, external ${mb(before.external)} (array buffers ${mb(before.arrayBuffers)}), wasm ${mb(before.wasmMemory)}, rss ${mb(before.rss)}`);
      t.diagnostic(`after:  heap ${mb(afterEdits.heapUsed)}, external ${mb(afterEdits.external)} (array buffers ${mb(afterEdits.arrayBuffers)}), wasm ${mb(afterEdits.wasmMemory)}, rss ${mb(afterEdits.rss)}`);
      t.diagnostic(`growth: heap ${mb(growth.heapUsed)}, external ${mb(growth.external)}, wasm ${mb(growth.wasmMemory)}`);
      assert.ok(before.wasmMemory > 0, 'the server reports its wasm memory');
      assert.ok(growth.heapUsed < GROWTH_LIMIT, `heap grew by ${mb(growth.heapUsed)}`);
      assert.ok(growth.external < GROWTH_LIMIT, `external memory grew by ${mb(growth.external)}`);
      assert.ok(growth.wasmMemory < GROWTH_LIMIT, `wasm memory grew by ${mb(growth.wasmMemory)}`);
    } finally {
      await client.dispose();
    }
  });
});
