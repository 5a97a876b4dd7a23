import { Button, List, Toast } from 'antd-mobile';
import { DownlandOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { OrderDetail } from '../../../shared/orders.js';
import { getBlob } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { goToCashier, usePaymentPolling } from '../booking/payment.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { OrderStatusTag } from './OrdersPage.js';
import { orderTitle, purposeLabel, refundReason, visitDay } from './orders.js';
import './orders.css';

/** 下载电子票据: fetched with the session's token (a plain link cannot send it), then saved as a PDF. */
function ReceiptButton({ order }: { order: OrderDetail }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    try {
      const url = URL.createObjectURL(await getBlob(`/orders/${order.id}/receipt`));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${t('orders.detail.receiptFile')}-${order.receiptNo ?? order.id}.pdf`;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button
      block
      size="large"
      fill="outline"
      color="primary"
      loading={busy}
      onClick={download}
      data-testid="order-receipt"
    >
      <DownlandOutline aria-hidden /> {t('orders.detail.receipt')}
    </Button>
  );
}

function OrderBody({ order, onPay }: { order: OrderDetail; onPay(): void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const settled = order.insurance && ['settled', 'reversing', 'reversed'].includes(order.insurance.status);
  return (
    <>
      <section className="booking-card order-hero" aria-labelledby="order-amount-label">
        <div className="order-hero__head">
          <span id="order-amount-label" className="order-muted">
            {t('orders.detail.amount')}
          </span>
          <OrderStatusTag status={order.status} />
        </div>
        <div className="order-hero__amount" data-testid="order-detail-amount">
          {formatYuan(order.amountFen)}
        </div>
        <div className="order-hero__title" data-testid="order-detail-title">
          {orderTitle(order, t, lang)}
        </div>
        {order.status === 'created' && (
          <p className="order-muted" data-testid="order-pay-before">
            {order.payable
              ? t('orders.detail.payBefore', { time: formatDateTime(order.expiresAt, lang) })
              : t('orders.detail.expired')}
          </p>
        )}
      </section>

      <List className="patient-list order-info" mode="card">
        <List.Item extra={order.patientName}>{t('orders.detail.patient')}</List.Item>
        <List.Item extra={purposeLabel(order, t)}>{t('orders.detail.purpose')}</List.Item>
        {order.appointmentAt && (
          <List.Item extra={visitDay(order.appointmentAt, t, lang)}>{t('orders.detail.visitTime')}</List.Item>
        )}
        <List.Item extra={formatDateTime(order.createdAt, lang)}>{t('orders.detail.createdAt')}</List.Item>
        {order.paidAt && (
          <List.Item extra={formatDateTime(order.paidAt, lang)}>{t('orders.detail.paidAt')}</List.Item>
        )}
        <List.Item description={<span className="order-mono">{order.id}</span>}>
          {t('orders.detail.orderNo')}
        </List.Item>
        {order.receiptNo && (
          <List.Item
            description={
              <span className="order-mono" data-testid="order-receipt-no">
                {order.receiptNo}
              </span>
            }
          >
            {t('orders.detail.receiptNo')}
          </List.Item>
        )}
      </List>

      {order.lines && order.lines.length > 0 && (
        <List
          className="patient-list"
          mode="card"
          header={<h2 className="order-section">{t('orders.detail.items')}</h2>}
        >
          {order.lines.map((l) => (
            <List.Item
              key={l.line}
              extra={formatYuan(l.amountFen)}
              description={`${formatYuan(l.unitPriceFen)} × ${l.quantity}`}
            >
              {l.name}
            </List.Item>
          ))}
        </List>
      )}

      {settled && order.insurance && (
        <List
          className="patient-list"
          mode="card"
          header={<h2 className="order-section">{t('orders.detail.insurance')}</h2>}
        >
          <List.Item extra={formatYuan(order.insurance.fundFen)}>{t('orders.detail.fund')}</List.Item>
          <List.Item extra={formatYuan(order.insurance.accountFen)}>{t('orders.detail.account')}</List.Item>
          <List.Item extra={formatYuan(order.insurance.cashFen)}>{t('orders.detail.cash')}</List.Item>
        </List>
      )}

      <List
        className="patient-list"
        mode="card"
        header={<h2 className="order-section">{t('orders.detail.payments')}</h2>}
      >
        {order.payments.length === 0 ? (
          <List.Item>{t('orders.detail.noPayments')}</List.Item>
        ) : (
          order.payments.map((p) => (
            <List.Item
              key={p.method}
              data-testid="order-payment"
              extra={<strong>{formatYuan(p.amountFen)}</strong>}
              description={p.at ? formatDateTime(p.at, lang) : undefined}
            >
              {t(`orders.method.${p.method}`)}
              {p.channel && ` · ${t(`orders.channel.${p.channel}`, { defaultValue: p.channel })}`}
            </List.Item>
          ))
        )}
      </List>

      {order.refunds.length > 0 && (
        <List
          className="patient-list"
          mode="card"
          header={<h2 className="order-section">{t('orders.detail.refunds')}</h2>}
        >
          {order.refunds.map((r) => (
            <List.Item
              key={r.createdAt + r.reason}
              data-testid="order-refund"
              extra={<strong className="order-refund__amount">-{formatYuan(r.amountFen)}</strong>}
              description={`${formatDateTime(r.finishedAt ?? r.createdAt, lang)} · ${t(`orders.refundStatus.${r.status}`)} · ${t('orders.detail.refundTo')}`}
            >
              {refundReason(r.reason, t)}
            </List.Item>
          ))}
        </List>
      )}

      <div className="patient-page__actions order-actions">
        {order.payable && (
          <Button block size="large" color="primary" onClick={onPay} data-testid="order-pay">
            {t('orders.detail.pay')}
          </Button>
        )}
        {order.receiptAvailable && (
          <>
            <ReceiptButton order={order} />
            <p className="order-muted">{t('orders.detail.receiptHint')}</p>
          </>
        )}
      </div>
    </>
  );
}

/** 订单详情: the order, what and who it is for, its payments and refunds; 去支付 or 下载电子票据. */
export function OrderPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const { data, error, reload } = useApiData<OrderDetail>(id ? `/orders/${id}` : null);
  usePaymentPolling(id, reload);

  async function pay() {
    if (!id) return;
    try {
      await goToCashier(id);
    } catch (failure) {
      Toast.show({ content: errorText(failure, t) });
      reload();
    }
  }

  return (
    <div className="patient-page" data-testid="order-page">
      <PageHeader title={t('orders.titles.detail')} back="/patient/orders" />
      <main>
        <Loadable items={data ? [data] : undefined} error={error} empty="">
          {([order]) => <OrderBody order={order!} onPay={pay} />}
        </Loadable>
      </main>
    </div>
  );
}
