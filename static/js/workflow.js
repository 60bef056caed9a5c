// workflow.js — the order workflow as the server states it. The rules live once,
// in C (the order module); pages carry them as JSON and this module only reads
// them: the admin page's texts.workflow ({status: {next, action, final}}) and
// the order page's data-statuses ({status: {label, help, final}}). Pure.

const entry = (map, status) =>
  (map && typeof map === 'object' && Object.hasOwn(map, status) && map[status] && typeof map[status] === 'object'
    ? map[status] : null);

/**
 * The step a member of staff can take from `status`: {to, label}, or null when
 * the server names none (a final status, or one the page was not told about).
 */
export function nextAction(workflow, status) {
  const w = entry(workflow, status);
  if (!w || typeof w.next !== 'string' || !w.next) return null;
  return { to: w.next, label: typeof w.action === 'string' && w.action ? w.action : w.next };
}

/** True when the server marks `status` final (nothing further will happen to the order). */
export function isFinal(map, status) {
  const w = entry(map, status);
  return Boolean(w && w.final === true);
}

/**
 * What the order page shows for `status`: {label, help, final}. A status the
 * page was not told about shows its name, no help, and is not final (so the
 * page keeps asking until it hears of one it knows).
 */
export function statusInfo(statuses, status) {
  const w = entry(statuses, status);
  return {
    label: w && typeof w.label === 'string' && w.label ? w.label : String(status),
    help: w && typeof w.help === 'string' ? w.help : '',
    final: Boolean(w && w.final === true),
  };
}
