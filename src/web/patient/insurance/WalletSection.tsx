import { Button, Dialog, Tag, Toast } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { InsuranceMe, WalletLink } from '../../../shared/insurance.js';
import { del, post } from '../../api.js';
import { errorText } from '../../errors.js';
import { formatDateTime } from '../../format.js';
import { accountHolders } from './insurance.js';

const STATUS_COLOR = {
  requested: 'warning',
  active: 'success',
  revoked: 'default',
  declined: 'default',
} as const;

type Action = 'confirm' | 'decline' | 'revoke';

function WalletCard({
  link,
  busy,
  onAction,
}: {
  link: WalletLink;
  busy: boolean;
  onAction(a: Action): void;
}) {
  const { t, i18n } = useTranslation();
  const open = link.status === 'requested' || link.status === 'active';
  return (
    <li
      className="booking-card ins-wallet"
      data-testid="wallet-link"
      data-id={link.id}
      data-status={link.status}
    >
      <div className="ins-person__head">
        <strong>
          {t('insurancePatient.wallet.pays', { payer: link.payerName, beneficiary: link.beneficiaryName })}
        </strong>
        <Tag color={STATUS_COLOR[link.status]} data-testid="wallet-status">
          {t(`insurancePatient.wallet.status.${link.status}`)}
        </Tag>
      </div>
      <dl className="ins-facts">
        <div>
          <dt>{t('insurancePatient.wallet.requestedAt')}</dt>
          <dd>{formatDateTime(link.requestedAt, i18n.language)}</dd>
        </div>
        {link.confirmedAt && (
          <div>
            <dt>{t('insurancePatient.wallet.confirmedAt')}</dt>
            <dd>{formatDateTime(link.confirmedAt, i18n.language)}</dd>
          </div>
        )}
      </dl>
      {open && (
        <div className="ins-wallet__actions">
          {link.status === 'requested' && link.canConfirm ? (
            <>
              <Button
                size="small"
                color="primary"
                loading={busy}
                onClick={() => onAction('confirm')}
                data-testid="wallet-confirm"
              >
                {t('insurancePatient.wallet.confirm')}
              </Button>
              <Button
                size="small"
                fill="outline"
                disabled={busy}
                onClick={() => onAction('decline')}
                data-testid="wallet-decline"
              >
                {t('insurancePatient.wallet.decline')}
              </Button>
            </>
          ) : (
            <Button
              size="small"
              color="danger"
              fill="outline"
              loading={busy}
              onClick={() => onAction('revoke')}
              data-testid="wallet-revoke"
            >
              {link.status === 'active'
                ? t('insurancePatient.wallet.revoke')
                : t('insurancePatient.wallet.withdraw')}
            </Button>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * 家庭共济 (INS-2): an employee's personal account paying for a family member, requested by the payer and
 * confirmed by the beneficiary (or whoever acts for them); either side may end it.
 */
export function WalletSection({ me, onChange }: { me: InsuranceMe; onChange(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<string>();
  const canRequest = accountHolders(me.persons).length > 0;

  async function act(link: WalletLink, action: Action) {
    const names = { payer: link.payerName, beneficiary: link.beneficiaryName };
    const ok = await Dialog.confirm({
      title: action === 'confirm' ? t('insurancePatient.wallet.confirmTitle') : undefined,
      content:
        action === 'confirm'
          ? t('insurancePatient.wallet.confirmContent', names)
          : action === 'decline'
            ? t('insurancePatient.wallet.declineContent', names)
            : t('insurancePatient.wallet.revokeContent', names),
      confirmText: t(
        `insurancePatient.wallet.${action === 'revoke' && link.status !== 'active' ? 'withdraw' : action}`,
      ),
      cancelText: t('insurancePatient.common.cancel'),
    });
    if (!ok) return;
    setBusy(link.id);
    try {
      if (action === 'revoke') await del(`/insurance/wallet-links/${link.id}`);
      else await post(`/insurance/wallet-links/${link.id}/${action}`, {});
      const done = { confirm: 'confirmed', decline: 'declined', revoke: 'revoked' } as const;
      Toast.show({ icon: 'success', content: t(`insurancePatient.wallet.${done[action]}`) });
      onChange();
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <section className="ins-section" aria-labelledby="ins-wallet-title" data-testid="wallet-section">
      <h2 id="ins-wallet-title" className="ins-section__title">
        {t('insurancePatient.wallet.title')}
      </h2>
      <p className="ins-muted ins-section__intro">{t('insurancePatient.wallet.intro')}</p>
      {me.walletLinks.length === 0 ? (
        <p className="booking-card ins-muted" data-testid="wallet-empty">
          {t('insurancePatient.wallet.empty')}
        </p>
      ) : (
        <ul className="ins-list">
          {me.walletLinks.map((link) => (
            <WalletCard key={link.id} link={link} busy={busy === link.id} onAction={(a) => act(link, a)} />
          ))}
        </ul>
      )}
      <div className="patient-page__actions">
        {canRequest ? (
          <Button
            block
            color="primary"
            fill="outline"
            size="large"
            onClick={() => navigate('/patient/insurance/wallet/new')}
            data-testid="wallet-request"
          >
            <AddOutline aria-hidden /> {t('insurancePatient.wallet.request')}
          </Button>
        ) : (
          <p className="ins-muted">{t('insurancePatient.wallet.needEmployee')}</p>
        )}
      </div>
    </section>
  );
}
