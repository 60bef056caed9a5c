// fulfilment.js — the checkout's delivery address shows only while delivery is chosen.
//
// Without this module the address fields always show, with a note that they
// are only for delivery; the server ignores them for a pickup order.

/** Wires the fulfilment choice under root: hides the address while pickup is chosen. */
export function wireFulfilment(root) {
  const choice = root.querySelector('[data-fulfilment]');
  const fields = root.querySelector('[data-delivery-fields]');
  if (!choice || !fields) return;
  const note = fields.querySelector('[data-delivery-note]');
  if (note) note.hidden = true;
  const sync = () => {
    const picked = choice.querySelector('input[name="fulfilment"]:checked');
    fields.hidden = !picked || picked.value !== 'delivery';
  };
  choice.addEventListener('change', sync);
  sync();
}

if (typeof document !== 'undefined') wireFulfilment(document);
