import type { InboxCounts, InboxItem, InboxKind, InboxNotice } from '../../../../shared/api/inbox.ts';
import { api, call, on } from '../../lib/api.ts';
import { openPlayer, view } from '../../lib/navigation.svelte.ts';

/** The inbox as the tabs and the "new since you last looked" strip show it; one subscription for the app. */
export const inbox = $state<{ counts: InboxCounts; items: InboxItem[] }>({ counts: { player: 0, incident: 0 }, items: [] });

export async function refreshInbox(): Promise<void> {
  try {
    inbox.counts = await call('inbox.counts', {});
    inbox.items = await call('inbox.list', { unseenOnly: true });
  } catch {
    // A workspace being switched answers shortly; the next event refreshes.
  }
}

export async function markSeen(kind: InboxKind): Promise<void> {
  inbox.counts = await call('inbox.markSeen', { kind });
  inbox.items = inbox.items.filter((i) => i.kind !== kind);
}

export function openTarget(target: InboxNotice['target']): void {
  if (target.view === 'anomalies' && target.ref) openPlayer(Number(target.ref));
  else view.current = target.view;
}

/** Browser mode tells through the Web Notifications API; the desktop app's main process shows its own. */
function notifyInBrowser(n: InboxNotice): void {
  if (api.mode !== 'http' || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const shown = new Notification(n.title, { body: n.body, tag: `redzone-${n.kind}-${n.target.ref ?? 'list'}` });
  shown.onclick = () => {
    window.focus();
    openTarget(n.target);
    shown.close();
  };
}

/** Asked when the analyst turns on Follow (a click, so the browser shows its prompt). */
export async function askToNotify(): Promise<void> {
  if (api.mode === 'http' && typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
}

let started = false;
export function startInbox(): void {
  if (started) return;
  started = true;
  void refreshInbox();
  on('inbox', (n) => {
    void refreshInbox();
    notifyInBrowser(n);
  });
  on('inbox.open', (target) => openTarget(target));
  on('workspace.changed', (c) => {
    if (c.reason === 'opened') void refreshInbox();
  });
}
