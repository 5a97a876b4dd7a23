import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { InsuranceMe } from '../../../shared/insurance.js';
import type { Order, PayResult } from '../../../shared/payments.js';
import { get, post } from '../../api.js';
import { checkoutPath, checksOutWithInsurance } from '../insurance/insurance.js';

/** The order sent to the cashier from this tab: the page it returns to polls for its result. */
const PAYING_KEY = 'yunyi.paying';
const POLL_INTERVAL_MS = 1000;
const POLL_TRIES = 15;

/**
 * Starts paying an order on the (simulated) gateway's cashier page, which goes back in history when
 * done. `beforeLeave` puts the page that should be returned to in place first.
 *
 * [7/12] An order insurance can settle, of a patient with linked insurance, opens the checkout instead
 * (the split, 医保支付 / 自费支付); it is pushed over the page that was current once `beforeLeave` ran, so
 * the cashier it leads to comes back to that page. Anyone else pays exactly as before.
 */
export async function goToCashier(orderId: string, beforeLeave?: () => void): Promise<void> {
  if (await checksOutFirst(orderId)) {
    beforeLeave?.();
    openCheckout(checkoutPath(orderId), { returnTo: window.location.pathname + window.location.search });
    return;
  }
  await payAtCashier(orderId, { beforeLeave });
}

/** The gateway's cashier for the whole order, without the checkout (the checkout's 自费支付). */
export async function payAtCashier(orderId: string, leave: CashierLeave = {}): Promise<void> {
  const { cashierUrl } = await post<PayResult>(`/orders/${orderId}/pay`, { channel: 'sim' });
  leaveForCashier(orderId, cashierUrl, leave);
}

export interface CashierLeave {
  /** Puts the page that should be returned to in place first. */
  beforeLeave?: () => void;
  /** Replaces the current history entry (the checkout) with the cashier, so the cashier's back lands before it. */
  replace?: boolean;
}

/** Goes to a cashier address already answered (the cash part after insurance settled its part). */
export function leaveForCashier(orderId: string, cashierUrl: string, leave: CashierLeave = {}): void {
  markPaying(orderId);
  leave.beforeLeave?.();
  if (leave.replace) window.location.replace(cashierUrl);
  else window.location.assign(cashierUrl);
}

/** The page returned to polls this order until it is no longer awaiting payment. */
export function markPaying(orderId: string): void {
  sessionStorage.setItem(PAYING_KEY, orderId);
}

/** Whether the checkout comes first; when insurance cannot be asked, the order is paid as before. */
async function checksOutFirst(orderId: string): Promise<boolean> {
  try {
    const me = await get<InsuranceMe>('/insurance/me');
    if (me.persons.length === 0) return false;
    return checksOutWithInsurance(me, await get<Order>(`/orders/${orderId}`));
  } catch {
    return false;
  }
}

/** What the checkout is opened with: the page it was opened from (the one that polls the order). */
export interface CheckoutState {
  returnTo?: string;
}

const fullLoad = (path: string) => window.location.assign(path);
let openCheckout: (path: string, state: CheckoutState) => void = fullLoad;

/** The H5 opens the checkout as a router navigation (with its state); without it, a full page load. */
export function useCheckoutNavigation(): void {
  const navigate = useNavigate();
  useEffect(() => {
    openCheckout = (path, state) => navigate(path, { state });
    return () => {
      openCheckout = fullLoad;
    };
  }, [navigate]);
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
