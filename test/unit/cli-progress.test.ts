// The CLI's progress line on a terminal: redrawn in place, ended by one newline — and a printer that
// never showed anything (a command whose work ran elsewhere) writes nothing at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressPrinter } from '../../src/main/cli/command';

function onTerminal<T>(f: () => T): T {
  const was = process.stderr.isTTY;
  process.stderr.isTTY = true;
  try {
    return f();
  } finally {
    process.stderr.isTTY = was;
  }
}

test('on a terminal: one line redrawn in place, one newline at the end; nothing from an unused printer', () => {
  const written: string[] = [];
  const used = onTerminal(() => progressPrinter('train', (s) => written.push(s)));
  const unused = onTerminal(() => progressPrinter('train', (s) => written.push(`unused: ${s}`)));
  used.show({ done: 1, total: 4, rate: 2, etaSeconds: 1.5, message: 'step 1' });
  used.show({ done: 4, total: 4, rate: 2, etaSeconds: 0, message: 'step 4' });
  used.end();
  unused.end();
  assert.equal(written.length, 3, JSON.stringify(written));
  assert.match(written[0]!, /^\r\x1b\[Ktrain: 1\/4 \(25\.0%\) {2}2\.0\/s {2}ETA .*step 1$/); // eslint-disable-line no-control-regex -- the terminal escape is what is tested
  assert.match(written[1]!, /^\r\x1b\[Ktrain: 4\/4 \(100\.0%\)/); // eslint-disable-line no-control-regex -- as above
  assert.equal(written[2], '\n');
});
