// The train / embed / models commands on a small library made of generated images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeCore, openCore, type Core } from '../../src/main/core';
import type { CommandContext } from '../../src/main/cli/command';
import { embedCommand } from '../../src/main/cli/embed';
import { modelsCommand } from '../../src/main/cli/models';
import { trainCommand } from '../../src/main/cli/train';
import { nowIso } from '../../src/main/store/db';
import { countEmbeddings } from '../../src/main/store/embeddings';
import { insertModelInput } from '../../src/main/store/library';
import { syntheticImage } from '../../src/main/model/source';

function context(core: Core, out: string[]): CommandContext {
  return { core: () => core, out: (l) => out.push(l), err: () => {}, signal: new AbortController().signal };
}

test('likeness train, embed and models on a small library', async () => {
  const root = mkdtempSync(join(tmpdir(), 'likeness-cli-model-'));
  const core = openCore(root);
  try {
    const insert = core.db.prepare("INSERT INTO photos (content_hash, bytes, format, width, height, added_at) VALUES (?, 1, 'png', 16, 16, ?)");
    for (let i = 0; i < 12; i++) {
      const id = Number(insert.run(`h${i}`, nowIso()).lastInsertRowid);
      insertModelInput(core.db, id, 16, syntheticImage(i, 16, 1));
    }
    const out: string[] = [];
    const ctx = context(core, out);
    assert.equal(
      await trainCommand.run(['--preset', 'tiny', '--input-size', '16', '--max-steps', '3', '--batch-size', '8', '--workers', '1', '--json'], ctx),
      0,
    );
    const model = JSON.parse(out.pop()!);
    assert.equal(model.status, 'active');
    assert.equal(model.steps, 3);
    assert.match(model.device, /1 worker thread/);

    assert.equal(await embedCommand.run(['--json'], ctx), 0);
    assert.equal(JSON.parse(out.pop()!).embedded, 12);
    assert.equal(countEmbeddings(core.db, model.id), 12);

    assert.equal(await modelsCommand.run(['--json'], ctx), 0);
    assert.deepEqual(
      JSON.parse(out.pop()!).map((m: { id: number }) => m.id),
      [model.id],
    );
    assert.equal(await modelsCommand.run(['loss', String(model.id), '--json'], ctx), 0);
    assert.equal(JSON.parse(out.pop()!).length, 3);

    // A second version (from scratch, the reference recipe) can be trained and the first re-activated.
    assert.equal(
      await trainCommand.run(
        [
          '--preset',
          'reference',
          '--input-size',
          '16',
          '--max-steps',
          '2',
          '--batch-size',
          '4',
          '--z-dim',
          '8',
          '--workers',
          '2',
          '--from-scratch',
          '--json',
        ],
        ctx,
      ),
      0,
    );
    const second = JSON.parse(out.pop()!);
    assert.equal(second.status, 'active');
    assert.equal(await modelsCommand.run(['activate', String(model.id)], ctx), 0);
    assert.equal(await modelsCommand.run(['--json'], ctx), 0);
    const statuses = Object.fromEntries(JSON.parse(out.pop()!).map((m: { id: number; status: string }) => [m.id, m.status]));
    assert.deepEqual(statuses, { [model.id]: 'active', [second.id]: 'ready' });
    await assert.rejects(trainCommand.run(['--estimator', 'nce', '--global-critic', 'zz'], ctx), /NCE estimator needs/);
  } finally {
    closeCore(core);
    rmSync(root, { recursive: true, force: true });
  }
});
