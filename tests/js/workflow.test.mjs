// workflow.test.mjs — the browser reads the order workflow the server sends (static/js/workflow.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isFinal, nextAction, statusInfo } from '../../static/js/workflow.js';
import { STATUSES_FR, WORKFLOW } from './fixtures.mjs';

test('nextAction: each step as the server names it, ready included', () => {
  assert.deepEqual(nextAction(WORKFLOW, 'pending'), { to: 'processing', label: 'Accept' });
  assert.deepEqual(nextAction(WORKFLOW, 'processing'), { to: 'ready', label: 'Mark ready' });
  assert.deepEqual(nextAction(WORKFLOW, 'ready'), { to: 'completed', label: 'Complete' });
  assert.equal(nextAction(WORKFLOW, 'completed'), null);
  assert.equal(nextAction(WORKFLOW, 'cancelled'), null);
});

test('nextAction: no rule of its own — another workflow, an unknown status or none at all', () => {
  const other = { pending: { next: 'completed', action: 'Done', final: false } };
  assert.deepEqual(nextAction(other, 'pending'), { to: 'completed', label: 'Done' });
  assert.equal(nextAction(other, 'processing'), null, 'a status the server did not describe has no step');
  assert.equal(nextAction(undefined, 'pending'), null);
  assert.equal(nextAction(WORKFLOW, 'toString'), null, 'inherited names are not statuses');
  assert.deepEqual(nextAction({ a: { next: 'b' } }, 'a'), { to: 'b', label: 'b' }, 'no label: the status name');
});

test('isFinal: from the server\'s flag only', () => {
  assert.deepEqual(Object.keys(WORKFLOW).filter((s) => isFinal(WORKFLOW, s)), ['completed', 'cancelled']);
  assert.deepEqual(Object.keys(STATUSES_FR).filter((s) => isFinal(STATUSES_FR, s)), ['completed', 'cancelled']);
  assert.equal(isFinal({ completed: { final: false } }, 'completed'), false, 'the server decides');
  assert.equal(isFinal(STATUSES_FR, 'refunded'), false);
  assert.equal(isFinal(null, 'completed'), false);
});

test('statusInfo: label, help and finality for the order page', () => {
  assert.deepEqual(statusInfo(STATUSES_FR, 'ready'), { label: 'Prête à retirer', help: 'Votre commande vous attend.', final: false });
  assert.deepEqual(statusInfo(STATUSES_FR, 'cancelled').final, true);
  assert.deepEqual(statusInfo(STATUSES_FR, 'weird'), { label: 'weird', help: '', final: false });
  assert.deepEqual(statusInfo({}, 'pending'), { label: 'pending', help: '', final: false });
});
