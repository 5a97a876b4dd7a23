import { useEffect, useRef, useState } from 'react';
import type { Order, PayResult } from '../../../shared/payments.js';
import { get, post } from '../../api.js';

/** The order sent to the cashier from this tab: the page it returns to polls for its result. */
const PAYING_KEY = 'yunyi.paying';
const POLL_INTERVAL_MS = 1000;
const POLL_TRIES = 15;

/**
 * Starts paying an order on the (simulated) gateway's cashier page, which goes back in history when
 * done. `beforeLeave` puts the page that should be returned to in place first.
 */
export async function goToCashier(orderId: string, beforeLeave?: () => void): Promise<void> {
  const { cashierUrl } = await post<PayResult>(`/orders/${orderId}/pay`, { channel: 'sim' });
  sessionStorage.setItem(PAYING_KEY, orderId);
  beforeLeave?.();
  window.location.assign(cashierUrl);
}

/**
 * Back from the cashier, the gateway tells the server asynchronously: poll the order every second for
 * up to 15 s and call `onSettled` once it is no longer awaiting payment. True while polling.
 */
export function usePaymentPolling(orderId: string | undefined, onSettled: () => void): boolean {
  const [polling, setPolling] = useState(false);
  const [shown, setShown] = useState(0);
  const settled = useRef(onSettled);
  settled.current = onSettled;

  // A page restored from the back/forward cache runs no effects again: count the restore.
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) setShown((n) => n + 1);
    };
    window.addEventListener('pageshow', onShow);
    return () => window.removeEventListener('pageshow', onShow);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` restarts polling after a restore.
  useEffect(() => {
    if (!orderId || sessionStorage.getItem(PAYING_KEY) !== orderId) return;
    let timer = 0;
    let tries = 0;
    let active = true;
    const finish = () => {
      sessionStorage.removeItem(PAYING_KEY);
      setPolling(false);
    };
    const tick = async () => {
      tries += 1;
      const order = await get<Order>(`/orders/${orderId}`).catch(() => null);
      if (!active) return;
      if (order && order.status !== 'created') {
        finish();
        settled.current();
      } else if (tries >= POLL_TRIES) {
        finish();
        settled.current();
      } else {
        timer = window.setTimeout(tick, POLL_INTERVAL_MS);
      }
    };
    setPolling(true);
    void tick();
    return () => {
      active = false;
      window.clearTimeout(timer);
    };
  }, [orderId, shown]);

  return polling;
}
