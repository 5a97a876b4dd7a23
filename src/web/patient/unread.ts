import { useEffect } from 'react';
import type { NotificationPage } from '../../shared/notifications.js';
import { useApiData } from '../components/useApiData.js';

const UNREAD_CHANGED = 'yunyi:unread-changed';

/** Tells the tab bar that messages were read here. */
export function unreadChanged(): void {
  window.dispatchEvent(new Event(UNREAD_CHANGED));
}

/**
 * Unread messages, for the 消息 tab's badge: asked when a tab page opens (the tab layout mounts with each
 * one) and again after messages are read.
 */
export function useUnreadCount(): number {
  const { data, reload } = useApiData<NotificationPage>('/notifications?limit=1');
  useEffect(() => {
    window.addEventListener(UNREAD_CHANGED, reload);
    return () => window.removeEventListener(UNREAD_CHANGED, reload);
  }, [reload]);
  return data?.unread ?? 0;
}
