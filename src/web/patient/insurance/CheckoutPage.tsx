import { Button, ErrorBlock, Result, Selector, SpinLoading, Toast } from 'antd-mobile';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import type { InsuranceMe, PreSettlement } from '../../../shared/insurance.js';
import type { Order, PayBody, PayResult } from '../../../shared/payments.js';
import { post } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { formatYuan } from '../../format.js';
import { type CheckoutState, leaveForCashier, markPaying, payAtCashier } from '../booking/payment.js';
import { PageHeader } from '../PageHeader.js';
import { confirmVoucher, ProblemNote, problemCode, REFUSES_INSURANCE, SplitView } from './InsuranceParts.js';
import { issueVoucher, orderReturnPath, walletPayers } from './insurance.js';
import './insurance.css';

/** How long the 已支付 result stays before the page returns to the order's own page. */
const DONE_SHOWN_MS = 1500;
const OWN = 'own';

/**
 * 医保结算 (/patient/orders/:id/checkout): the pre-settlement split of an order (per line: category,
 * fund, personal account, cash; totals; the policy version), whose account pays when 家庭共济 allows,
 * then 医保支付 (a fresh e-voucher every time, ID-3; the cash part, if any, at the cashier) or 自费支付.
 * Opened by goToCashier for insured patients; the cashier comes back to the page it was opened from.
 */
export function CheckoutPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const returnTo = (useLocation().state as CheckoutState | null)?.returnTo;
  const order = useApiData<Order>(`/orders/${id}`);
  const insurance = useApiData<InsuranceMe>('/insurance/me');
  const [payer, setPayer] = useState(OWN);
  const open = order.data?.status === 'created';
  const preSettlement = useApiData<PreSettlement>(
    open
      ? `/orders/${id}/pre-settlement${payer === OWN ? '' : `?accountPayerId=${encodeURIComponent(payer)}`}`
      : null,
  );
  const [busy, setBusy] = useState<'insurance' | 'cash'>();
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState(false);
  const reloadOrder = order.reload;

  const o = order.data;
  const back = returnTo ?? (o ? orderReturnPath(o) : '/patient/mine');
  const patientName =
    insurance.data?.persons.find((p) => p.patientId === o?.patientId)?.name ??
    (o?.patientId === me.patientId ? me.name : '');
  const payers = o && insurance.data ? walletPayers(insurance.data, o.patientId) : [];
  const live = o?.insurance && (o.insurance.status === 'settled' || o.insurance.status === 'pending');
  const refused = [preSettlement.error, failure].some((e) =>
    REFUSES_INSURANCE.includes(problemCode(e) ?? ''),
  );

  /** Back to the page the checkout was opened from (it reloads the order), or the order's own page. */
  const goBack = useCallback(() => {
    if (returnTo) navigate(-1);
    else if (o) navigate(orderReturnPath(o), { replace: true });
  }, [navigate, returnTo, o]);

  useEffect(() => {
    if (!done) return;
    const timer = window.setTimeout(goBack, DONE_SHOWN_MS);
    return () => window.clearTimeout(timer);
  }, [done, goBack]);

  /** The cashier replaces the checkout, so its "back" lands on the page that polls the order. */
  const leave = () =>
    returnTo
      ? { replace: true }
      : { beforeLeave: () => o && navigate(orderReturnPath(o), { replace: true }) };

  async function payInsurance() {
    if (!o) return;
    if (!(await confirmVoucher(t, 'pay', patientName))) return;
    setBusy('insurance');
    setFailure(undefined);
    try {
      const voucher = await issueVoucher(o.patientId === me.patientId ? undefined : o.patientId);
      const body: PayBody = {
        channel: 'sim',
        insurance: { voucher, ...(payer === OWN ? {} : { accountPayerId: payer }) },
      };
      const result = await post<PayResult>(`/orders/${o.id}/pay`, body);
      if (result.status === 'paid') {
        // Insurance paid it all: nothing for the cashier; the page returned to reloads the order.
        markPaying(o.id);
        setDone(true);
        setBusy(undefined);
        return;
      }
      Toast.show({ content: t('insurancePatient.checkout.toCashier') });
      leaveForCashier(o.id, result.cashierUrl, leave());
    } catch (error) {
      setFailure(error);
      setBusy(undefined);
      // A settlement may have gone through before the refusal (or be pending): show the order as it is.
      reloadOrder();
    }
  }

  async function payCash() {
    if (!o) return;
    setBusy('cash');
    setFailure(undefined);
    try {
      await payAtCashier(o.id, leave());
    } catch (error) {
      setFailure(error);
      setBusy(undefined);
      reloadOrder();
    }
  }

  if (!o || done || !open) {
    return (
      <div className="patient-page ins-page" data-testid="checkout-page">
        <PageHeader title={t('insurancePatient.titles.checkout')} back={back} />
        {done ? (
          <Result
            status="success"
            title={t('insurancePatient.checkout.paid')}
            data-testid="checkout-done"
            description={
              <Button color="primary" fill="outline" onClick={goBack}>
                {t('insurancePatient.checkout.back')}
              </Button>
            }
          />
        ) : o ? (
          <Result
            status={o.status === 'closed' ? 'info' : 'success'}
            title={
              o.status === 'closed'
                ? t('insurancePatient.checkout.orderClosed')
                : t('insurancePatient.checkout.orderPaid')
            }
            data-testid="checkout-order-status"
            data-status={o.status}
            description={
              <Button
                color="primary"
                fill="outline"
                onClick={() => navigate(orderReturnPath(o), { replace: true })}
              >
                {t('insurancePatient.checkout.back')}
              </Button>
            }
          />
        ) : order.error !== undefined ? (
          <ErrorBlock
            className="patient-empty"
            status="default"
            title={t('insurancePatient.checkout.notFound')}
          />
        ) : (
          <div className="patient-loading">
            <SpinLoading color="primary" />
          </div>
        )}
      </div>
    );
  }

  const split = preSettlement.data;
  const cashFen = live && o.insurance ? o.insurance.cashFen : (split?.cashFen ?? o.amountFen);
  const working = busy !== undefined;
  const splitPending = preSettlement.data === undefined && preSettlement.error === undefined;

  return (
    <div className="patient-page ins-page" data-testid="checkout-page" data-status={o.status}>
      <PageHeader title={t('insurancePatient.titles.checkout')} back={back} />
      <section className="booking-card ins-order">
        <dl className="ins-facts">
          <div>
            <dt>{t('insurancePatient.checkout.patient')}</dt>
            <dd data-testid="checkout-patient">{patientName}</dd>
          </div>
          <div>
            <dt>{t('insurancePatient.checkout.order')}</dt>
            <dd>{o.description}</dd>
          </div>
          <div>
            <dt>{t('insurancePatient.checkout.amount')}</dt>
            <dd className="ins-amount" data-testid="checkout-amount">
              {formatYuan(o.amountFen)}
            </dd>
          </div>
        </dl>
      </section>

      {live && o.insurance && (
        <p className="booking-card ins-notice" data-testid="checkout-settled">
          {t('insurancePatient.checkout.settled', {
            fund: formatYuan(o.insurance.fundFen),
            account: formatYuan(o.insurance.accountFen),
            cash: formatYuan(o.insurance.cashFen),
          })}
        </p>
      )}

      {payers.length > 0 && !live && (
        <section className="booking-card">
          <h2 className="ins-card-title">{t('insurancePatient.checkout.payer')}</h2>
          <Selector
            columns={1}
            data-testid="checkout-payer"
            value={[payer]}
            onChange={(v) => v[0] && setPayer(v[0])}
            options={[
              { value: OWN, label: t('insurancePatient.checkout.payerOwn', { name: patientName }) },
              ...payers.map((l) => ({
                value: l.payerPatientId,
                label: t('insurancePatient.checkout.payerWallet', { name: l.payerName }),
              })),
            ]}
          />
        </section>
      )}

      <section className="booking-card" aria-labelledby="ins-split-title" data-testid="checkout-split">
        <h2 id="ins-split-title" className="ins-card-title">
          {t('insurancePatient.checkout.splitTitle')}
        </h2>
        {split ? (
          <>
            <p className="ins-muted">{t('insurancePatient.checkout.intro')}</p>
            <SplitView lines={split.lines} totals={split} />
            <p className="ins-smallprint" data-testid="checkout-policy">
              {t('insurancePatient.checkout.policy', {
                scheme: t(`insurancePatient.scheme.${split.scheme}`),
                version: split.policyVersion,
              })}
            </p>
          </>
        ) : preSettlement.error !== undefined ? (
          <ProblemNote
            error={preSettlement.error}
            name={patientName}
            onLink={() => navigate('/patient/insurance')}
          />
        ) : (
          <div className="patient-loading">
            <SpinLoading color="primary" />
          </div>
        )}
      </section>

      {failure !== undefined && (
        <div className="ins-failure">
          <ProblemNote error={failure} name={patientName} onLink={() => navigate('/patient/insurance')} />
        </div>
      )}

      <div className="patient-page__actions ins-pay">
        {split && !refused && (
          <div className="ins-pay__due">
            <span>{t('insurancePatient.checkout.youPay')}</span>
            <strong data-testid="checkout-cash-due">{formatYuan(cashFen)}</strong>
          </div>
        )}
        {!refused && (
          <Button
            block
            color="primary"
            size="large"
            loading={busy === 'insurance'}
            disabled={working || (splitPending && !live)}
            onClick={payInsurance}
            aria-label={
              split && !live
                ? t('insurancePatient.checkout.payInsuranceLabel', { cash: formatYuan(cashFen) })
                : undefined
            }
            data-testid="pay-insurance"
          >
            {live ? t('insurancePatient.checkout.payRest') : t('insurancePatient.checkout.payInsurance')}
          </Button>
        )}
        {!live && (
          <Button
            block
            color={refused ? 'primary' : 'default'}
            fill={refused ? 'solid' : 'outline'}
            size="large"
            loading={busy === 'cash'}
            disabled={working}
            onClick={payCash}
            aria-label={t('insurancePatient.checkout.payCashLabel', { amount: formatYuan(o.amountFen) })}
            data-testid="pay-self"
          >
            {t('insurancePatient.checkout.payCash')}
          </Button>
        )}
      </div>
    </div>
  );
}
