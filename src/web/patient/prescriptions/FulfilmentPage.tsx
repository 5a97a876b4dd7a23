import { Button, Dialog, ErrorBlock, List, NoticeBar, SpinLoading, Toast } from 'antd-mobile';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Order } from '../../../shared/payments.js';
import type { FulfilmentStatus, FulfilmentView } from '../../../shared/prescriptions.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatYuan } from '../../format.js';
import { goToCashier, usePaymentPolling } from '../booking/payment.js';
import { PageHeader } from '../PageHeader.js';
import { Charges, FulfilmentItems, ProgressSteps } from './FulfilmentParts.js';
import { PickupCode } from './PickupCode.js';
import type { PharmacyOffers } from './types.js';
import './prescriptions.css';

/** States that move without the patient (the pharmacy, the courier): look again this often. */
const MOVING: readonly FulfilmentStatus[] = ['paid', 'dispensed', 'shipping', 'returned'];
const REFRESH_MS = 5_000;

function hintKey(f: FulfilmentView): Exclude<FulfilmentStatus, 'paid'> | 'paid_pickup' | 'paid_delivery' {
  if (f.status === 'paid') return f.method === 'pickup' ? 'paid_pickup' : 'paid_delivery';
  return f.status;
}

/** The pharmacy: where it is, and for a pick-up its phone and opening hours (from its offer). */
function PharmacyInfo({ fulfilment }: { fulfilment: FulfilmentView }) {
  const { t } = useTranslation();
  const pickup = fulfilment.method === 'pickup';
  // The fulfilment names the pharmacy and its address; its phone and hours come with its offer.
  const offers = useApiData<PharmacyOffers>(
    pickup && fulfilment.status === 'paid' ? `/prescriptions/${fulfilment.prescriptionId}/pharmacies` : null,
  );
  const offer = offers.data?.items.find((o) => o.pharmacyId === fulfilment.pharmacyId);
  return (
    <List className="patient-list" mode="card" header={t('rxPatient.fulfilment.pharmacy')}>
      <List.Item description={fulfilment.pharmacyAddress} data-testid="fulfilment-pharmacy">
        {fulfilment.pharmacyName}
      </List.Item>
      {offer?.phone && (
        <List.Item extra={<a href={`tel:${offer.phone}`}>{offer.phone}</a>}>
          {t('rxPatient.fulfilment.phone')}
        </List.Item>
      )}
      {offer?.openingHours && (
        <List.Item extra={offer.openingHours}>{t('rxPatient.fulfilment.openingHours')}</List.Item>
      )}
    </List>
  );
}

function DeliveryInfo({ fulfilment }: { fulfilment: FulfilmentView }) {
  const { t } = useTranslation();
  const { address, delivery } = fulfilment;
  return (
    <List className="patient-list" mode="card" header={t('rxPatient.fulfilment.deliverTo')}>
      {address && (
        <List.Item description={`${address.subdistrict} ${address.detail}`} data-testid="fulfilment-address">
          {address.recipient} {address.phoneMasked}
        </List.Item>
      )}
      {delivery && (
        <List.Item
          extra={t(`rxPatient.fulfilment.couriers.${delivery.courier}` as never, {
            defaultValue: delivery.courier,
          })}
        >
          {t('rxPatient.fulfilment.courier')}
        </List.Item>
      )}
      {delivery?.waybillNo && (
        <List.Item
          extra={
            <span className="rx-mono" data-testid="waybill">
              {delivery.waybillNo}
            </span>
          }
        >
          {t('rxPatient.fulfilment.waybill')}
        </List.Item>
      )}
    </List>
  );
}

/**
 * 取药/配送: for a pick-up the code to show at the counter; for a delivery the parcel's progress and
 * the receipt; for both the pharmacy, the drugs, the charges and any refund.
 */
export function FulfilmentPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const { data: f, error, reload: reloadFulfilment } = useApiData<FulfilmentView>(`/fulfilments/${id}`);
  const order = useApiData<Order>(f ? `/orders/${f.orderId}` : null);
  const { reload: reloadOrder } = order;
  const reload = useCallback(() => {
    reloadFulfilment();
    reloadOrder();
  }, [reloadFulfilment, reloadOrder]);
  const confirming = usePaymentPolling(f?.orderId, reload);

  const status = f?.status;
  useEffect(() => {
    if (!status || !MOVING.includes(status)) return;
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [status, reload]);

  async function pay() {
    if (!f) return;
    try {
      await goToCashier(f.orderId);
    } catch (failure) {
      Toast.show({ content: errorText(failure, t) });
      reload();
    }
  }

  async function confirmReceipt() {
    const ok = await Dialog.confirm({
      title: t('rxPatient.fulfilment.receiptTitle'),
      content: t('rxPatient.fulfilment.receiptConfirm'),
      confirmText: t('rxPatient.fulfilment.receipt'),
      cancelText: t('common.cancel'),
    });
    if (!ok) return;
    try {
      await post(`/fulfilments/${id}/receipt`, {});
      Toast.show({ icon: 'success', content: t('rxPatient.fulfilment.receiptDone') });
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    }
    reload();
  }

  const title = f?.method === 'delivery' ? t('rxPatient.titles.delivery') : t('rxPatient.titles.pickup');
  const back = f ? `/patient/prescriptions/${f.prescriptionId}` : '/patient/prescriptions';
  if (!f) {
    return (
      <div className="patient-page" data-testid="fulfilment-page">
        <PageHeader title={title} back={back} />
        {error !== undefined ? (
          <ErrorBlock className="patient-empty" status="default" title={t('rxPatient.fulfilment.notFound')} />
        ) : (
          <div className="patient-loading">
            <SpinLoading color="primary" />
          </div>
        )}
      </div>
    );
  }

  const total = f.drugFen + (f.method === 'delivery' ? f.deliveryFeeFen : 0);
  return (
    <div className="patient-page" data-testid="fulfilment-page" data-status={f.status} data-method={f.method}>
      <PageHeader title={title} back={back} />
      <header className={`rx-hero rx-hero--f-${f.status}`}>
        <div className="rx-hero__status" data-testid="fulfilment-hero-status" data-status={f.status}>
          {t(`rxPatient.fulfilmentStatus.${f.status}`)}
        </div>
        <div className="rx-hero__hint" data-testid="fulfilment-hint">
          {confirming ? (
            <>
              <SpinLoading className="rx-hero__spin" color="white" /> {t('rxPatient.fulfilment.confirming')}
            </>
          ) : (
            t(`rxPatient.fulfilmentHint.${hintKey(f)}`)
          )}
        </div>
      </header>

      {(f.status === 'returned' || f.status === 'cancelled') && (
        <NoticeBar
          className="booking-notice"
          color={f.status === 'returned' ? 'alert' : 'default'}
          wrap
          content={t(`rxPatient.fulfilmentHint.${f.status}`)}
          data-testid="fulfilment-setback"
        />
      )}

      {f.status === 'awaiting_payment' && !confirming && (
        <div className="patient-page__actions">
          <Button block color="primary" size="large" onClick={pay} data-testid="fulfilment-pay">
            {t('rxPatient.fulfilment.pay', { amount: formatYuan(total) })}
          </Button>
        </div>
      )}

      {f.method === 'pickup' &&
        (f.status === 'paid' && f.pickupCode ? (
          <PickupCode code={f.pickupCode} validUntil={f.validUntil} />
        ) : f.status === 'awaiting_payment' ? (
          <p className="patient-page__footnote">{t('rxPatient.fulfilment.codeAfterPay')}</p>
        ) : null)}

      {f.status === 'delivered' && (
        <div className="patient-page__actions">
          <Button
            block
            color="primary"
            size="large"
            onClick={confirmReceipt}
            data-testid="fulfilment-receipt"
          >
            {t('rxPatient.fulfilment.receipt')}
          </Button>
        </div>
      )}

      {f.method === 'delivery' && <DeliveryInfo fulfilment={f} />}
      <ProgressSteps fulfilment={f} />
      <PharmacyInfo fulfilment={f} />
      <FulfilmentItems fulfilment={f} />
      <Charges fulfilment={f} order={order.data} />
      <div className="patient-page__actions">
        <Button block size="large" onClick={() => navigate(`/patient/prescriptions/${f.prescriptionId}`)}>
          {t('rxPatient.fulfilment.prescription')}
        </Button>
      </div>
    </div>
  );
}
