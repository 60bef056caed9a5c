// fixtures.mjs — data in the shapes the server sends (cgi/admin.c js_texts, the
// order page's data-statuses), shared by the browser-module tests.

/** texts.workflow of the admin page, English. */
export const WORKFLOW = {
  pending: { next: 'processing', action: 'Accept', final: false },
  processing: { next: 'ready', action: 'Mark ready', final: false },
  ready: { next: 'completed', action: 'Complete', final: false },
  completed: { next: null, action: null, final: true },
  cancelled: { next: null, action: null, final: true },
};

/** The admin page's texts object (a subset of templates/locales/en.json plus workflow). */
export const TEXTS = {
  status: { pending: 'Pending', processing: 'Processing', ready: 'Ready for pickup', completed: 'Completed', cancelled: 'Cancelled' },
  workflow: WORKFLOW,
  feed: {
    live: 'Live', offline: 'Offline — retrying', updated_now: 'Updated just now',
    updated_ago: 'Updated {n} s ago', updated_min: 'Updated {n} min ago',
    new_order: 'New order {number} — {total}', order_changed: 'Order {number} is now {status}.',
    view: 'Open', dismiss: 'Dismiss',
  },
  admin: { showing: 'Orders {from}–{to} of {total}', col_number: 'Number' },
  dashboard: { cancelled_today: '{n} cancelled today', measured: 'measured', nominal: 'nominal', processing_text: '{n} being prepared' },
};

/** The order page's data-statuses, French. */
export const STATUSES_FR = {
  pending: { label: 'Reçue', help: 'La boutique a bien reçu votre commande.', final: false },
  processing: { label: 'En préparation', help: 'La boutique prépare votre commande.', final: false },
  ready: { label: 'Prête à retirer', help: 'Votre commande vous attend.', final: false },
  completed: { label: 'Terminée', help: 'Merci !', final: true },
  cancelled: { label: 'Annulée', help: 'Cette commande a été annulée.', final: true },
};
