import { Notification, type BrowserWindow } from 'electron';
import type { InboxNotice } from '../../shared/api/inbox.ts';
import type { EventBus } from '../jobs/events.ts';

/**
 * The desktop's notifications for the inbox's grouped notices; a click brings the window forward and
 * asks the renderer to open the player or incident (the `inbox.open` event).
 */
export function showInboxNotifications(events: EventBus, window: () => BrowserWindow | null): () => void {
  return events.subscribe((name, payload) => {
    if (name !== 'inbox' || !Notification.isSupported()) return;
    const notice = payload as InboxNotice;
    const shown = new Notification({ title: notice.title, body: notice.body });
    shown.on('click', () => {
      const w = window();
      if (!w) return;
      if (w.isMinimized()) w.restore();
      w.focus();
      w.webContents.send('rz:event', 'inbox.open', notice.target);
    });
    shown.show();
  });
}
