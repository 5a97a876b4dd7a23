/**
 * 我的家庭医生: the resident's (or a family member's, `?patient=`) team, contract and its state, the chronic
 * follow-up plans, the latest home readings and the ways to everything else (FD-1, FD-7, FD-8).
 */
import { Button, SpinLoading, Tag, Toast } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { ContractView, MyFamilyDoctor } from '../../../shared/family-doctor.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatYuan } from '../../format.js';
import { type PatientChoice, PatientSwitch } from '../booking/PatientSwitch.js';
import { goToCashier, usePaymentPolling } from '../booking/payment.js';
import { useElderlyModeSetting } from '../elderlyMode.js';
import { Card, ContractBadgeTag, Frame, MemberLine, ReadingRow, Waiting } from './FdParts.js';
import { fdPath, formatDate, formatFullDate, useFdPatient } from './fd.js';
import { Intro, NextContract, PlanLine, QuickActions } from './OverviewParts.js';

/** The contract's hint under its status: what happens next. */
function statusHint(contract: ContractView, t: TFunction, lang: string): string {
  switch (contract.status) {
    case 'pending_signature':
      return t('fdResident.overview.hint.pending_signature');
    case 'pending_payment':
      return t('fdResident.overview.hint.pending_payment', { amount: formatYuan(contract.residentFen) });
    case 'active':
      return contract.renewable
        ? t('fdResident.overview.hint.expiring', { date: formatDate(contract.endsOn, lang) })
        : t('fdResident.overview.hint.active', { date: formatDate(contract.endsOn, lang) });
    case 'scheduled':
      return t('fdResident.overview.hint.scheduled', { date: formatDate(contract.startsOn, lang) });
    default:
      return t(`fdResident.overview.hint.${contract.status}`);
  }
}

/** The contract in force (or on its way): status, what to do next, team, term, packages. */
function ContractBody({
  data,
  chosen,
  confirming,
  confirmingNext,
  reload,
}: {
  data: MyFamilyDoctor;
  chosen: string | undefined;
  confirming: boolean;
  confirmingNext: boolean;
  reload(): void;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [elderly] = useElderlyModeSetting();
  const contract = data.contract!;
  const team = data.team;
  const lang = i18n.language;

  async function pay() {
    if (!contract.orderId) return;
    try {
      await goToCashier(contract.orderId);
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
      reload();
    }
  }

  const members = team ? team.members.filter((m) => m.practitionerId !== team.lead.practitionerId) : [];

  return (
    <>
      <header className={`fd-hero fd-hero--${contract.status}`} data-testid="fd-hero">
        <div className="fd-hero__top">
          <span className="fd-hero__team" data-testid="fd-team-name">
            {contract.team.name}
          </span>
          <ContractBadgeTag contract={contract} onDark />
        </div>
        <div className="fd-hero__hint" data-testid="fd-hint">
          {confirming ? (
            <>
              <SpinLoading className="fd-hero__spin" color="white" /> {t('fdResident.overview.confirming')}
            </>
          ) : (
            statusHint(contract, t, lang)
          )}
        </div>
        <div className="fd-hero__buttons">
          {contract.status === 'pending_signature' && (
            <Button
              color="primary"
              onClick={() => navigate(fdPath('sign', chosen, { contract: contract.id }))}
              data-testid="fd-continue-sign"
            >
              {t('fdResident.overview.continueSign')}
            </Button>
          )}
          {contract.status === 'pending_payment' && contract.orderId && !confirming && (
            <Button color="primary" onClick={pay} data-testid="fd-pay">
              {t('fdResident.overview.pay', { amount: formatYuan(contract.residentFen) })}
            </Button>
          )}
          {contract.status === 'active' && contract.renewable && !data.next && (
            <Button
              color="primary"
              onClick={() => navigate(fdPath('sign', chosen, { renew: contract.id }))}
              data-testid="fd-renew"
            >
              {t('fdResident.overview.renew')}
            </Button>
          )}
          {contract.status === 'active' && !data.next && (
            <Button
              fill="outline"
              className="fd-hero__ghost"
              onClick={() => navigate(fdPath('teams', chosen, { switchFrom: contract.id }))}
              data-testid="fd-switch"
            >
              {t('fdResident.overview.switch')}
            </Button>
          )}
        </div>
      </header>

      {data.next && (
        <NextContract next={data.next} chosen={chosen} confirming={confirmingNext} reload={reload} />
      )}

      <QuickActions data={data} chosen={chosen} />

      {data.nextFollowup && (
        <Card id="next-followup" title={t('fdResident.overview.nextFollowup')}>
          <button
            type="button"
            className="fd-row-button"
            onClick={() => navigate(fdPath('followups', chosen))}
            data-testid="fd-next-followup"
          >
            <span className="fd-row-button__main">
              <strong>{data.nextFollowup.title}</strong>
              <span className={data.nextFollowup.overdue ? 'fd-overdue' : 'fd-muted'}>
                {data.nextFollowup.overdue
                  ? t('fdResident.followups.overdueOn', { date: formatDate(data.nextFollowup.dueOn, lang) })
                  : t('fdResident.followups.dueOn', { date: formatDate(data.nextFollowup.dueOn, lang) })}
              </span>
            </span>
            <RightOutline aria-hidden />
          </button>
        </Card>
      )}

      <Card id="team" title={t('fdResident.overview.team')}>
        <p className="fd-muted" data-testid="fd-institution">
          {contract.team.institutionName}
        </p>
        {team ? (
          <ul className="fd-members">
            <MemberLine member={team.lead} language={lang} />
            {!elderly && members.map((m) => <MemberLine key={m.practitionerId} member={m} language={lang} />)}
          </ul>
        ) : (
          <p className="fd-text">{t('fdResident.overview.lead', { name: contract.leadName })}</p>
        )}
        {elderly && members.length > 0 && (
          <p className="fd-muted">{t('fdResident.overview.moreMembers', { count: members.length })}</p>
        )}
      </Card>

      <Card id="contract" title={t('fdResident.overview.contract')}>
        <dl className="fd-facts">
          <div>
            <dt>{t('fdResident.contract.term')}</dt>
            <dd data-testid="fd-term">
              {t('fdResident.contract.termValue', {
                from: formatFullDate(contract.startsOn, lang),
                to: formatFullDate(contract.endsOn, lang),
                years: contract.years,
              })}
            </dd>
          </div>
          <div>
            <dt>{t('fdResident.contract.packages')}</dt>
            <dd className="fd-tags" data-testid="fd-packages">
              {contract.packages.map((p) => (
                <Tag key={p.packageId} color="primary" fill="outline" data-group={p.group}>
                  {p.name}
                </Tag>
              ))}
            </dd>
          </div>
          {!elderly && (
            <div>
              <dt>{t('fdResident.contract.residentPart')}</dt>
              <dd>{formatYuan(contract.residentFen)}</dd>
            </div>
          )}
        </dl>
      </Card>

      {data.plans.length > 0 && (
        <Card id="plans" title={t('fdResident.overview.plans')}>
          <ul className="fd-list">
            {data.plans.map((p) => (
              <PlanLine key={p.id} plan={p} />
            ))}
          </ul>
        </Card>
      )}

      <Card
        id="latest-readings"
        title={t('fdResident.overview.latestReadings')}
        extra={
          <button
            type="button"
            className="link-button fd-link"
            onClick={() => navigate(fdPath('readings', chosen))}
          >
            {t('fdResident.overview.allReadings')}
          </button>
        }
      >
        {data.latestReadings.length === 0 ? (
          <p className="fd-muted">{t('fdResident.overview.noReadings')}</p>
        ) : (
          <ul className="fd-list">
            {data.latestReadings.slice(0, elderly ? 1 : 3).map((r) => (
              <ReadingRow key={r.id} reading={r} />
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

/** 我的家庭医生. */
export function OverviewPage() {
  const { t } = useTranslation();
  const me = useMe();
  const patient = useFdPatient();
  const [elderly] = useElderlyModeSetting();
  const [, setParams] = useSearchParams();
  const { data, error, reload } = useApiData<MyFamilyDoctor>(
    patient.patientId ? `/family-doctor/me?patientId=${patient.patientId}` : null,
  );
  const confirming = usePaymentPolling(data?.contract?.orderId ?? undefined, reload);
  const confirmingNext = usePaymentPolling(data?.next?.orderId ?? undefined, reload);

  const choice: PatientChoice | undefined = patient.chosen
    ? { key: patient.chosen, patientId: patient.chosen, name: patient.name }
    : me.realNameVerified
      ? { key: 'self', name: me.name }
      : undefined;
  const choose = useCallback(
    (next: PatientChoice) => setParams(next.patientId ? { patient: next.patientId } : {}, { replace: true }),
    [setParams],
  );

  const current =
    data?.contract &&
    ['pending_signature', 'pending_payment', 'active', 'scheduled'].includes(data.contract.status)
      ? data.contract
      : null;

  return (
    <Frame title={t('fdResident.titles.overview')} back="/patient" testId="fd-overview" patient={patient}>
      {/* 长辈模式 acting for oneself: one thing less on the page. */}
      {!(elderly && patient.isSelf) && (
        <section className="booking-card fd-whose" aria-label={t('fdResident.overview.whose')}>
          <PatientSwitch value={choice} onChange={choose} />
        </section>
      )}
      {!patient.patientId ? null : !data ? (
        <Waiting error={error} />
      ) : current ? (
        <ContractBody
          data={{ ...data, contract: current }}
          chosen={patient.chosen}
          confirming={confirming}
          confirmingNext={confirmingNext}
          reload={reload}
        />
      ) : (
        <Intro patientId={patient.patientId} ended={data.contract} />
      )}
    </Frame>
  );
}
