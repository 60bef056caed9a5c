// rules.test.mjs — the order workflow lives once, in C: the browser code holds
// no copy of it (no comparisons against status names, no sets or maps of
// them, no step labels). It reads the server's JSON (workflow.js) instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const JS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../static/js');
const STATUS = '(?:pending|processing|ready|completed|cancelled)';
const PATTERNS = [
  [new RegExp(`[=!]==?\\s*['"\`]${STATUS}['"\`]`), 'a comparison with a status name'],
  [new RegExp(`['"\`]${STATUS}['"\`]\\s*[=!]==?`), 'a comparison with a status name'],
  [new RegExp(`\\[\\s*['"\`]${STATUS}['"\`]\\s*,\\s*['"\`]${STATUS}['"\`]`), 'a list of statuses'],
  [new RegExp(`case\\s+['"\`]${STATUS}['"\`]`), 'a switch over statuses'],
  [/action_(accept|complete)/, 'a step label of its own'],
];

test('static/js holds no copy of the order workflow', () => {
  const files = fs.readdirSync(JS).filter((f) => f.endsWith('.js'));
  assert.ok(files.includes('admin.js') && files.includes('order-status.js'), 'the browser code is where it should be');
  const found = [];
  for (const f of files) {
    const lines = fs.readFileSync(path.join(JS, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const [re, what] of PATTERNS) if (re.test(line)) found.push(`${f}:${i + 1}: ${what}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});
