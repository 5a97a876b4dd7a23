import { QRCode } from 'antd';
import { Button, Dialog, List, SpinLoading, Tag, Toast } from 'antd-mobile';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { Order } from '../../../shared/payments.js';
import type { Appointment } from '../../../shared/scheduling.js';
import { post } from '../../api.js';
import { checkInCode, isCancellable, ORDER_TONE } from '../../booking.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatWindow, formatYuan } from '../../format.js';
import { institutionDisplayName } from '../../names.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { AppointmentGuideSection } from './AppointmentGuide.js';
import { formatRemaining, useHoldLeft } from './AppointmentParts.js';
import { goToCashier, usePaymentPolling } from './payment.js';

/** 支付状态: paid, refunded (with the amount back) and so on. */
function OrderStatus({ order }: { order: Order }) {
  const { t } = useTranslation();
  const refunded = order.status === 'refunded' || order.status === 'partially_refunded';
  return (
    <Tag color={ORDER_TONE[order.status]} fill="outline" data-testid="order-status">
      {t(`booking.orderStatus.${order.status}`)}
      {refunded && ` ${formatYuan(order.refundedFen)}`}
    </Tag>
  );
}

function StatusHint({ appointment, confirming }: { appointment: Appointment; confirming: boolean }) {
  const { t } = useTranslation();
  const left = useHoldLeft(appointment.status === 'pending_payment' ? appointment.holdUntil : undefined);
  if (confirming)
    return (
      <span className="appointment-hero__hint">
        <SpinLoading className="appointment-hero__spin" color="white" /> {t('booking.h5.confirmingPayment')}
      </span>
    );
  if (left !== undefined)
    return (
      <span className="appointment-hero__hint">
        {left > 0 ? t('waitlist.payLeft', { time: formatRemaining(left, t) }) : t('booking.h5.holdOver')}
      </span>
    );
  const key =
    appointment.status === 'confirmed' && appointment.mode !== 'offline'
      ? 'confirmedOnline'
      : appointment.status;
  return <span className="appointment-hero__hint">{t(`booking.h5.statusHint.${key}`)}</span>;
}

/** One appointment: status, check-in code, details, payment and refund, and what can be done. */
export function AppointmentPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const list = useApiData<Page<Appointment>>('/appointments');
  const appointment = list.data?.items.find((a) => a.id === id);
  const orderPath = appointment?.orderId ? `/orders/${appointment.orderId}` : null;
  const order = useApiData<Order>(orderPath);
  const { reload: reloadList } = list;
  const { reload: reloadOrder } = order;
  const reload = useCallback(() => {
    reloadList();
    reloadOrder();
  }, [reloadList, reloadOrder]);
  const confirming = usePaymentPolling(appointment?.orderId, reload);
  const left = useHoldLeft(appointment?.status === 'pending_payment' ? appointment.holdUntil : undefined);

  async function pay() {
    try {
      await goToCashier(appointment!.orderId!);
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
      reload();
    }
  }

  async function cancel() {
    const paid = order.data?.status === 'paid';
    const ok = await Dialog.confirm({
      title: t('booking.h5.cancelTitle'),
      content: paid ? t('booking.h5.cancelRefund') : t('booking.h5.cancelConfirm'),
      confirmText: t('booking.h5.cancel'),
      cancelText: t('booking.h5.keep'),
    });
    if (!ok) return;
    try {
      await post(`/appointments/${id}/cancel`);
      Toast.show({ icon: 'success', content: t('booking.h5.cancelled') });
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
    }
    reload();
  }

  return (
    <div className="patient-page" data-testid="appointment-page">
      <PageHeader title={t('booking.h5.appointmentTitle')} back="/patient/appointments" />
      <Loadable
        items={appointment ? [appointment] : list.data && []}
        error={list.error}
        empty={t('booking.h5.notFound')}
      >
        {([a]) => (
          <>
            <header className={`appointment-hero appointment-hero--${a.status}`}>
              <div className="appointment-hero__status" data-testid="appointment-status">
                {t(`booking.status.${a.status}`)}
              </div>
              <StatusHint appointment={a} confirming={confirming} />
            </header>

            {a.status === 'confirmed' && a.mode === 'offline' && (
              <section className="booking-card checkin-code" data-testid="checkin-qr">
                <QRCode
                  value={checkInCode(a.id)}
                  size={168}
                  bordered={false}
                  aria-label={t('booking.h5.checkInQr')}
                />
                <div className="checkin-code__caption">{t('booking.h5.checkInCode')}</div>
                <div className="checkin-code__token">{t('booking.token', { number: a.tokenNumber })}</div>
              </section>
            )}

            <List className="patient-list" mode="card" header={t('booking.h5.visitInfo')}>
              <List.Item extra={<span data-testid="appointment-patient">{a.patientName}</span>}>
                {t('booking.h5.patient')}
              </List.Item>
              <List.Item extra={institutionDisplayName(a, i18n.language)}>
                {t('booking.h5.hospital')}
              </List.Item>
              <List.Item extra={`${a.departmentName} · ${a.doctorName}`}>{t('booking.h5.doctor')}</List.Item>
              <List.Item extra={formatWindow(a.windowStart, a.windowEnd, i18n.language)}>
                {t('booking.h5.visitWindow')}
              </List.Item>
              <List.Item extra={t('booking.token', { number: a.tokenNumber })}>
                {t('booking.tokenNumber')}
              </List.Item>
              <List.Item extra={t(`booking.mode.${a.mode}`)}>{t('booking.mode.label')}</List.Item>
              {a.channel !== 'public' && (
                <List.Item extra={t(`waitlist.channel.${a.channel}`)}>
                  {t('waitlist.channel.label')}
                </List.Item>
              )}
            </List>

            {(a.status === 'confirmed' || a.status === 'checked_in' || a.status === 'pending_payment') && (
              <AppointmentGuideSection appointment={a} />
            )}

            <List className="patient-list" mode="card" header={t('booking.h5.payment')}>
              <List.Item extra={<strong className="booking-fee">{formatYuan(a.feeFen)}</strong>}>
                {t('booking.fee')}
              </List.Item>
              {order.data && (
                <List.Item extra={<OrderStatus order={order.data} />}>
                  {t('booking.h5.paymentStatus')}
                </List.Item>
              )}
              {order.data?.paidAt && (
                <List.Item extra={formatDateTime(order.data.paidAt, i18n.language)}>
                  {t('booking.h5.paidAt')}
                </List.Item>
              )}
              {(order.data?.status === 'refunded' || order.data?.status === 'partially_refunded') && (
                <List.Item description={t('booking.h5.refundHint')}>{t('booking.h5.refund')}</List.Item>
              )}
            </List>

            <div className="patient-page__actions booking-actions">
              {a.status === 'confirmed' && a.mode !== 'offline' && (
                <Button
                  block
                  color="primary"
                  size="large"
                  onClick={() => navigate(`/patient/visits/new?appointmentId=${a.id}`)}
                  data-testid="enter-visit"
                >
                  {t('visits.h5.enterVisit')}
                </Button>
              )}
              {a.status === 'pending_payment' && a.orderId && (left ?? 0) > 0 && !confirming && (
                <Button block color="primary" size="large" onClick={pay} data-testid="pay">
                  {t('booking.h5.payNow', { amount: formatYuan(a.feeFen) })}
                </Button>
              )}
              {isCancellable(a.status) && !confirming && (
                <Button
                  block
                  size="large"
                  color="danger"
                  fill="outline"
                  onClick={cancel}
                  data-testid="cancel"
                >
                  {t('booking.h5.cancel')}
                </Button>
              )}
            </div>
          </>
        )}
      </Loadable>
    </div>
  );
}
