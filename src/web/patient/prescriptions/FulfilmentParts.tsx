import { Collapse, List, Steps, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { Order } from '../../../shared/payments.js';
import type { FulfilmentView } from '../../../shared/prescriptions.js';
import { ORDER_TONE } from '../../booking.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { currentLanguage } from '../../i18n/index.js';
import { progressSteps } from './progress.js';
import { unitText } from './rx.js';

/** The fulfilment's steps: what happened, in the server's words and times, then the stages ahead. */
export function ProgressSteps({ fulfilment }: { fulfilment: FulfilmentView }) {
  const { t, i18n } = useTranslation();
  const en = currentLanguage() === 'en-US';
  const steps = progressSteps(fulfilment);
  return (
    <section className="booking-card rx-progress" data-testid="fulfilment-timeline">
      <h2 className="booking-card__title">{t('rxPatient.fulfilment.progress')}</h2>
      <Steps direction="vertical">
        {steps.map((step) => (
          <Steps.Step
            key={step.key}
            status={step.state}
            title={
              <span
                data-testid="timeline-step"
                data-kind={step.entry?.kind ?? step.stage}
                data-state={step.state}
              >
                {step.entry
                  ? en
                    ? step.entry.textEn
                    : step.entry.text
                  : t(`rxPatient.steps.${step.stage ?? 'ordered'}`)}
              </span>
            }
            description={step.entry ? formatDateTime(step.entry.at, i18n.language) : undefined}
          />
        ))}
      </Steps>
    </section>
  );
}

/** What is in the parcel (or at the counter), and the trace codes of the boxes once dispensed (RX-11). */
export function FulfilmentItems({ fulfilment }: { fulfilment: FulfilmentView }) {
  const { t } = useTranslation();
  const names = new Map(fulfilment.items.map((item) => [item.drugId, item.genericName]));
  return (
    <>
      <List className="patient-list" mode="card" header={t('rxPatient.fulfilment.drugs')}>
        {fulfilment.items.map((item) => (
          <List.Item
            key={item.drugId}
            description={item.spec}
            extra={formatYuan(item.unitPriceFen * item.quantity)}
            data-testid="fulfilment-item"
          >
            {item.genericName}{' '}
            {t('rxPatient.quantity', { quantity: item.quantity, unit: unitText(item.packageUnit, t) })}
          </List.Item>
        ))}
      </List>
      {fulfilment.boxes.length > 0 && (
        <Collapse className="rx-boxes" data-testid="fulfilment-boxes">
          <Collapse.Panel
            key="boxes"
            title={`${t('rxPatient.fulfilment.boxes')} · ${t('rxPatient.fulfilment.boxesCount', { n: fulfilment.boxes.length })}`}
          >
            <ul className="rx-boxes__list">
              {fulfilment.boxes.map((box) => (
                <li key={box.traceCode}>
                  <span>{names.get(box.drugId) ?? box.drugId}</span>
                  <span className="rx-muted">
                    {t('rxPatient.fulfilment.batch')} {box.batchNo}
                  </span>
                  <span className="rx-mono" data-testid="trace-code">
                    {box.traceCode}
                  </span>
                </li>
              ))}
            </ul>
          </Collapse.Panel>
        </Collapse>
      )}
    </>
  );
}

/** 费用: drugs, delivery fee, total, how the order stands, and any refund. */
export function Charges({ fulfilment, order }: { fulfilment: FulfilmentView; order: Order | undefined }) {
  const { t } = useTranslation();
  const refunded = order && (order.status === 'refunded' || order.status === 'partially_refunded');
  return (
    <List className="patient-list" mode="card" header={t('rxPatient.fulfilment.payment')}>
      <List.Item extra={formatYuan(fulfilment.drugFen)}>{t('rxPatient.fulfilment.drugFee')}</List.Item>
      {fulfilment.method === 'delivery' && (
        <List.Item extra={formatYuan(fulfilment.deliveryFeeFen)}>
          {t('rxPatient.fulfilment.deliveryFee')}
        </List.Item>
      )}
      <List.Item
        extra={
          <strong className="rx-amount" data-testid="fulfilment-total">
            {formatYuan(
              fulfilment.drugFen + (fulfilment.method === 'delivery' ? fulfilment.deliveryFeeFen : 0),
            )}
          </strong>
        }
      >
        {t('rxPatient.fulfilment.total')}
      </List.Item>
      {order && (
        <List.Item
          extra={
            <Tag
              color={ORDER_TONE[order.status]}
              fill="outline"
              data-testid="order-status"
              data-status={order.status}
            >
              {t(`booking.orderStatus.${order.status}`)}
            </Tag>
          }
        >
          {t('rxPatient.fulfilment.orderStatus')}
        </List.Item>
      )}
      {refunded && (
        <List.Item description={t('rxPatient.fulfilment.refundHint')} data-testid="order-refund">
          {t('rxPatient.fulfilment.refunded', { amount: formatYuan(order.refundedFen) })}
        </List.Item>
      )}
    </List>
  );
}
