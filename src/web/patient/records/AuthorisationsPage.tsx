import { Button, Dialog, Tabs, Tag, Toast } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { AuthorisationView } from '../../../shared/records.js';
import { del } from '../../api.js';
import { useNow } from '../../components/useNow.js';
import { errorText } from '../../errors.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { categoriesText, LoadMore, PatientNote } from './RecordsParts.js';
import { fullTime, type GrantStatus, grantStatus, withPatient } from './records.js';
import { usePaged } from './usePaged.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

const STATUS_COLOR = { active: 'success', expired: 'default', revoked: 'danger' } as const;

/** One authorisation: to whom, what, until when; an active one can be revoked here. */
function GrantCard({
  grant,
  status,
  onRevoke,
}: {
  grant: AuthorisationView;
  status: GrantStatus;
  onRevoke(grant: AuthorisationView): void;
}) {
  const { t } = useTranslation();
  return (
    <li className="booking-card records-grant" data-testid="grant" data-id={grant.id} data-status={status}>
      <div className="records-row__head">
        <strong className="records-grant__name">{grant.grantee.name}</strong>
        <Tag fill="outline">{t(`recordsPatient.grantee.${grant.grantee.kind}`)}</Tag>
        <Tag color={STATUS_COLOR[status]} data-testid="grant-status">
          {t(`recordsPatient.grantStatus.${status}`)}
        </Tag>
      </div>
      {grant.grantee.detail && <div className="records-muted">{grant.grantee.detail}</div>}
      <dl className="records-facts records-facts--compact">
        <div>
          <dt>{t('recordsPatient.grants.categories')}</dt>
          <dd>{categoriesText(grant.categories, t)}</dd>
        </div>
        <div>
          <dt>{t('recordsPatient.grants.granted')}</dt>
          <dd>{fullTime(grant.createdAt)}</dd>
        </div>
        {status === 'revoked' && grant.revokedAt ? (
          <div>
            <dt>{t('recordsPatient.grants.revokedAt')}</dt>
            <dd>{fullTime(grant.revokedAt)}</dd>
          </div>
        ) : (
          <div>
            <dt>
              {status === 'expired'
                ? t('recordsPatient.grants.expiredAt')
                : t('recordsPatient.grants.expiresAt')}
            </dt>
            <dd>{fullTime(grant.expiresAt)}</dd>
          </div>
        )}
      </dl>
      {status === 'revoked' && <p className="records-muted">{t('recordsPatient.grants.revokedNote')}</p>}
      {status === 'active' && (
        <Button
          size="small"
          color="danger"
          fill="outline"
          className="records-grant__revoke"
          onClick={() => onRevoke(grant)}
          aria-label={t('recordsPatient.grants.revokeLabel', { name: grant.grantee.name })}
          data-testid="grant-revoke"
        >
          {t('recordsPatient.grants.revoke')}
        </Button>
      )}
    </li>
  );
}

/** 授权管理: who I (or the family member I act for) let read my records, for what and until when (SEC-1). */
export function AuthorisationsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const patient = useRecordsPatient();
  const [params, setParams] = useSearchParams();
  const tab = (['active', 'expired', 'revoked'] as const).find((s) => s === params.get('status')) ?? 'active';
  const now = useNow(true, 30_000);
  const paged = usePaged<AuthorisationView>(
    patient.patientId ? `/me/authorisations?status=all&limit=50&patientId=${patient.patientId}` : null,
    (g) => g.id,
  );
  const [revoked, setRevoked] = useState<Record<string, string>>({});

  const shown = paged.items?.map((g) =>
    revoked[g.id] ? { ...g, status: 'revoked' as const, revokedAt: revoked[g.id]! } : g,
  );
  const counts = { active: 0, expired: 0, revoked: 0 };
  for (const g of shown ?? []) counts[grantStatus(g, now)]++;

  async function revoke(grant: AuthorisationView) {
    const ok = await Dialog.confirm({
      title: t('recordsPatient.grants.revokeTitle'),
      content: t('recordsPatient.grants.revokeConfirm', { name: grant.grantee.name }),
      confirmText: t('recordsPatient.grants.revokeOk'),
      cancelText: t('recordsPatient.common.cancel'),
    });
    if (!ok) return;
    try {
      await del(`/me/authorisations/${grant.id}`);
      // Immediate effect (SEC-1): the next request of that doctor is refused; the card moves to 已撤销.
      setRevoked((r) => ({ ...r, [grant.id]: new Date().toISOString() }));
      Toast.show({
        icon: 'success',
        content: t('recordsPatient.grants.revoked', { name: grant.grantee.name }),
      });
      paged.reload();
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    }
  }

  return (
    <div className="patient-page records-page" data-testid="records-authorisations">
      <PageHeader
        title={t('recordsPatient.titles.authorisations')}
        back={withPatient('/patient/records', patient.chosen)}
      />
      <PatientNote patient={patient} />
      <p className="patient-page__intro">{t('recordsPatient.grants.intro')}</p>
      <div className="patient-page__actions records-actions">
        <Button
          block
          color="primary"
          size="large"
          data-testid="grant-new"
          onClick={() => navigate(withPatient('/patient/records/authorisations/new', patient.chosen))}
        >
          <AddOutline aria-hidden /> {t('recordsPatient.grants.new')}
        </Button>
      </div>
      <Tabs
        className="records-tabs"
        activeKey={tab}
        onChange={(key) => {
          const next = new URLSearchParams(params);
          next.set('status', key);
          setParams(next, { replace: true });
        }}
      >
        {(['active', 'expired', 'revoked'] as const).map((s) => (
          <Tabs.Tab key={s} title={t(`recordsPatient.grants.tab.${s}`, { count: counts[s] })} />
        ))}
      </Tabs>
      <Loadable
        items={shown?.filter((g) => grantStatus(g, now) === tab)}
        error={paged.error}
        empty={t(`recordsPatient.grants.empty.${tab}`)}
      >
        {(items) => (
          <ul className="records-grants">
            {items.map((g) => (
              <GrantCard key={g.id} grant={g} status={grantStatus(g, now)} onRevoke={revoke} />
            ))}
          </ul>
        )}
      </Loadable>
      {shown && <LoadMore hasMore={paged.hasMore} loadMore={paged.loadMore} testId="grants-more" />}
    </div>
  );
}
