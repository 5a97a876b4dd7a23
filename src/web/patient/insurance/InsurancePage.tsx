import { Button, Dialog, Tag, Toast } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { Dependent } from '../../../shared/identity.js';
import type { InsuranceMe, InsuredPerson } from '../../../shared/insurance.js';
import { del, post } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { confirmVoucher } from './InsuranceParts.js';
import { issueVoucher } from './insurance.js';
import { WalletSection } from './WalletSection.js';
import './insurance.css';

/** Someone the account may link insurance for: oneself (verified) or an active dependent (ID-6). */
interface Candidate {
  patientId: string;
  name: string;
  isSelf: boolean;
  person: InsuredPerson | undefined;
}

function PersonCard({
  candidate,
  linking,
  onLink,
  onUnlink,
}: {
  candidate: Candidate;
  linking: boolean;
  onLink(candidate: Candidate): void;
  onUnlink(candidate: Candidate): void;
}) {
  const { t, i18n } = useTranslation();
  const { person, name, isSelf } = candidate;
  return (
    <li
      className="booking-card ins-person"
      data-testid="insured-person"
      data-patient={candidate.patientId}
      data-linked={person ? 'true' : 'false'}
    >
      <div className="ins-person__head">
        <strong className="ins-person__name">{name}</strong>
        <Tag fill="outline">
          {isSelf ? t('insurancePatient.persons.self') : t('insurancePatient.persons.dependent')}
        </Tag>
        {person ? (
          <>
            <Tag color="primary" data-testid="insured-scheme" data-scheme={person.scheme}>
              {t(`insurancePatient.scheme.${person.scheme}`)}
            </Tag>
            <Tag color="success">{t('insurancePatient.persons.linked')}</Tag>
          </>
        ) : (
          <Tag color="default">{t('insurancePatient.persons.unlinked')}</Tag>
        )}
      </div>
      {person ? (
        <>
          <div className="ins-person__balance">
            <span className="ins-muted">{t('insurancePatient.persons.balance')}</span>
            {person.scheme === 'employee' ? (
              <strong data-testid="insured-balance">{formatYuan(person.balanceFen)}</strong>
            ) : (
              <span className="ins-muted" data-testid="insured-balance">
                {t('insurancePatient.persons.noAccount')}
              </span>
            )}
          </div>
          <dl className="ins-facts">
            <div>
              <dt>{t('insurancePatient.persons.region')}</dt>
              <dd data-testid="insured-region">{person.insuringRegionName}</dd>
            </div>
            <div>
              <dt>{t('insurancePatient.persons.psnNo')}</dt>
              <dd>{person.psnNoMasked}</dd>
            </div>
            <div>
              <dt>{t('insurancePatient.persons.ytdFund')}</dt>
              <dd data-testid="insured-ytd-fund">{formatYuan(person.ytdFundFen)}</dd>
            </div>
            <div>
              <dt>{t('insurancePatient.persons.ytdTotal')}</dt>
              <dd>{formatYuan(person.ytdTotalFen)}</dd>
            </div>
          </dl>
          <p className="ins-muted ins-person__scheme">{t(`insurancePatient.schemeFull.${person.scheme}`)}</p>
          <p className="ins-smallprint">
            {t('insurancePatient.persons.asOf', { time: formatDateTime(person.asOf, i18n.language) })}
          </p>
          <div className="ins-wallet__actions">
            <Button
              size="mini"
              fill="none"
              color="danger"
              onClick={() => onUnlink(candidate)}
              data-testid="insurance-unlink"
            >
              {t('insurancePatient.persons.unlink')}
            </Button>
          </div>
        </>
      ) : (
        <div className="ins-person__unlinked">
          <p className="ins-muted">{t('insurancePatient.persons.unlinkedHint')}</p>
          <Button
            color="primary"
            size="middle"
            loading={linking}
            onClick={() => onLink(candidate)}
            aria-label={t('insurancePatient.persons.linkLabel', { name })}
            data-testid="insurance-link"
          >
            {t('insurancePatient.persons.link')}
          </Button>
        </div>
      )}
    </li>
  );
}

/**
 * 我的 → 医保 (/patient/insurance): who has linked insurance (scheme, insuring region, personal account
 * balance, what the fund paid this year), 绑定医保 with the e-voucher for the others (ID-3), and 家庭共济.
 */
export function InsurancePage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const insurance = useApiData<InsuranceMe>('/insurance/me');
  const dependents = useApiData<Page<Dependent>>('/me/dependents');
  const [linking, setLinking] = useState<string>();

  const persons = insurance.data?.persons;
  const candidates: Candidate[] | undefined =
    persons && dependents.data
      ? [
          ...(me.realNameVerified && me.patientId
            ? [{ patientId: me.patientId, name: me.name, isSelf: true }]
            : []),
          ...dependents.data.items
            .filter((d) => d.status === 'active')
            .map((d) => ({ patientId: d.patientId, name: d.name, isSelf: false })),
        ].map((c) => ({ ...c, person: persons.find((p) => p.patientId === c.patientId) }))
      : undefined;
  // Someone linked but no longer listed (a dependent removed since) is still shown as linked.
  const others: Candidate[] = (persons ?? [])
    .filter((p) => !candidates?.some((c) => c.patientId === p.patientId))
    .map((p) => ({ patientId: p.patientId, name: p.name, isSelf: false, person: p }));
  const shown = candidates ? [...candidates, ...others] : undefined;

  async function link(candidate: Candidate) {
    if (!(await confirmVoucher(t, 'link', candidate.name))) return;
    setLinking(candidate.patientId);
    try {
      const patient = candidate.isSelf ? {} : { patientId: candidate.patientId };
      const voucher = await issueVoucher(candidate.isSelf ? undefined : candidate.patientId);
      await post('/insurance/link', { ...patient, voucher });
      Toast.show({
        icon: 'success',
        content: t('insurancePatient.persons.linkDone', { name: candidate.name }),
      });
      insurance.reload();
    } catch (failure) {
      await Dialog.alert({ content: errorText(failure, t), confirmText: t('insurancePatient.common.gotIt') });
    } finally {
      setLinking(undefined);
    }
  }

  async function unlink(candidate: Candidate) {
    const ok = await Dialog.confirm({
      content: t('insurancePatient.persons.unlinkConfirm', { name: candidate.name }),
      confirmText: t('insurancePatient.persons.unlink'),
      cancelText: t('insurancePatient.common.cancel'),
    });
    if (!ok) return;
    try {
      await del(`/insurance/link/${candidate.patientId}`);
      Toast.show({
        icon: 'success',
        content: t('insurancePatient.persons.unlinkDone', { name: candidate.name }),
      });
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    }
    insurance.reload();
  }

  return (
    <div className="patient-page ins-page" data-testid="insurance-page">
      <PageHeader title={t('insurancePatient.titles.insurance')} back="/patient/mine" />
      <p className="patient-page__intro">{t('insurancePatient.persons.intro')}</p>
      {!me.realNameVerified && (
        <div className="booking-card ins-notice">
          {t('insurancePatient.persons.verifyFirst')}{' '}
          <button type="button" className="link-button" onClick={() => navigate('/patient/real-name')}>
            {t('insurancePatient.persons.goVerify')}
          </button>
        </div>
      )}
      <Loadable
        items={shown}
        error={insurance.error ?? dependents.error}
        empty={t('insurancePatient.persons.empty')}
      >
        {(items) => (
          <ul className="ins-list" aria-label={t('insurancePatient.titles.insurance')}>
            {items.map((c) => (
              <PersonCard
                key={c.patientId}
                candidate={c}
                linking={linking === c.patientId}
                onLink={link}
                onUnlink={unlink}
              />
            ))}
          </ul>
        )}
      </Loadable>
      <div className="ins-add">
        <Button size="small" fill="none" color="primary" onClick={() => navigate('/patient/dependents/new')}>
          <AddOutline aria-hidden /> {t('insurancePatient.persons.addDependent')}
        </Button>
      </div>
      {insurance.data && <WalletSection me={insurance.data} onChange={insurance.reload} />}
    </div>
  );
}
