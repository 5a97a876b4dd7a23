import { List, Tabs, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { OrderSummary } from '../../../shared/orders.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { LoadMore } from '../records/RecordsParts.js';
import { usePaged } from '../records/usePaged.js';
import { isOrderTab, ORDER_TABS, ORDER_TONE, type OrderTab, ordersPath, orderTitle } from './orders.js';
import './orders.css';

export function OrderStatusTag({ status }: { status: OrderSummary['status'] }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={ORDER_TONE[status]}
      fill="outline"
      className="order-tag"
      data-testid="order-status"
      data-status={status}
    >
      {t(`orders.status.${status}`)}
    </Tag>
  );
}

/** A row of 缴费记录: what for, who for, when, the amount and the state. */
function OrderCard({ order, onOpen }: { order: OrderSummary; onOpen(): void }) {
  const { t, i18n } = useTranslation();
  return (
    <List.Item className="order-card" data-testid="order-card" data-id={order.id} onClick={onOpen} arrowIcon>
      <div className="order-card__head">
        <span className="order-card__title" data-testid="order-title">
          {orderTitle(order, t, i18n.language)}
        </span>
        <OrderStatusTag status={order.status} />
      </div>
      <div className="order-card__line">{t('orders.list.patient', { name: order.patientName })}</div>
      <div className="order-card__line order-card__foot">
        <span>{t('orders.list.createdAt', { time: formatDateTime(order.createdAt, i18n.language) })}</span>
        <span className="order-card__money">
          {order.refundedFen > 0 && (
            <span className="order-card__refunded">
              {t('orders.list.refunded', { amount: formatYuan(order.refundedFen) })}
            </span>
          )}
          <strong className="order-card__amount" data-testid="order-amount">
            {formatYuan(order.amountFen)}
          </strong>
        </span>
      </div>
    </List.Item>
  );
}

/** 缴费记录: every order of mine and of the family members I act for, newest first, by state. */
export function OrdersPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const tab: OrderTab = isOrderTab(raw) ? raw : 'all';
  const paged = usePaged<OrderSummary>(ordersPath(tab), (o) => o.id);

  return (
    <div className="patient-page" data-testid="orders-page">
      <PageHeader title={t('orders.titles.list')} back="/patient/mine" />
      <main>
        <Tabs
          className="orders-tabs"
          activeKey={tab}
          onChange={(key) => {
            const next = new URLSearchParams(params);
            if (key === 'all') next.delete('status');
            else next.set('status', key);
            setParams(next, { replace: true });
          }}
        >
          {ORDER_TABS.map((key) => (
            <Tabs.Tab title={t(`orders.tabs.${key}`)} key={key} />
          ))}
        </Tabs>
        <Loadable
          items={paged.items}
          error={paged.error}
          empty={t('orders.list.empty')}
          emptyDesc={t('orders.list.emptyDesc')}
        >
          {(list) => (
            <>
              <List className="patient-list order-list" mode="card">
                {list.map((o) => (
                  <OrderCard key={o.id} order={o} onOpen={() => navigate(`/patient/orders/${o.id}`)} />
                ))}
              </List>
              <LoadMore hasMore={paged.hasMore} loadMore={paged.loadMore} testId="orders-more" />
            </>
          )}
        </Loadable>
      </main>
    </div>
  );
}
