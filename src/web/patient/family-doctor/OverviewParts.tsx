/** The overview's parts: the intro without a contract, the quick actions, a plan line, a renewal to finish. */
import { Badge, Button, Toast } from 'antd-mobile';
import {
  ContentOutline,
  FileOutline,
  HeartOutline,
  TravelOutline,
  UnorderedListOutline,
} from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { ContractView, MyFamilyDoctor, PlanView } from '../../../shared/family-doctor.js';
import { errorText } from '../../errors.js';
import { formatYuan } from '../../format.js';
import { goToCashier } from '../booking/payment.js';
import { useElderlyModeSetting } from '../elderlyMode.js';
import { ClassificationTag, ContractBadgeTag } from './FdParts.js';
import { fdPath, formatDate } from './fd.js';

/** No contract (or it ended): what a family doctor is, and the way to choose a team. */
export function Intro({ patientId, ended }: { patientId: string | undefined; ended: ContractView | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const chosen = params.get('patient') ?? undefined;
  const benefits = ['benefit1', 'benefit2', 'benefit3', 'benefit4'] as const;
  return (
    <section className="booking-card fd-intro" aria-labelledby="fd-intro-title" data-testid="fd-intro">
      <h2 className="fd-intro__title" id="fd-intro-title">
        {t('fdResident.intro.title')}
      </h2>
      <p className="fd-text">{t('fdResident.intro.lead')}</p>
      <ul className="fd-benefits">
        {benefits.map((key) => (
          <li key={key}>{t(`fdResident.intro.${key}`)}</li>
        ))}
      </ul>
      <p className="fd-muted">{t('fdResident.intro.fee')}</p>
      {ended && (
        <p className="fd-muted" data-testid="fd-ended">
          {t('fdResident.intro.ended', {
            team: ended.team.name,
            status: t(`fdResident.status.${ended.status}`),
          })}
        </p>
      )}
      <Button
        block
        color="primary"
        size="large"
        disabled={!patientId}
        onClick={() => navigate(fdPath('teams', chosen))}
        data-testid="fd-choose-team"
      >
        {t('fdResident.intro.choose')}
      </Button>
    </section>
  );
}

/** The quick actions: 记录血压/血糖, 我的随访, 上门服务, 健康教育, 协议. */
export function QuickActions({ data, chosen }: { data: MyFamilyDoctor; chosen: string | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [elderly] = useElderlyModeSetting();
  const actions: { key: string; icon: ReactNode; path: string; badge?: number }[] = [
    { key: 'readings', icon: <HeartOutline />, path: fdPath('readings', chosen) },
    { key: 'followups', icon: <UnorderedListOutline />, path: fdPath('followups', chosen) },
    { key: 'homeServices', icon: <TravelOutline />, path: fdPath('home-services', chosen) },
    {
      key: 'articles',
      icon: <ContentOutline />,
      path: fdPath('articles', chosen),
      badge: data.unreadArticles,
    },
    ...(data.contract
      ? [{ key: 'agreement', icon: <FileOutline />, path: fdPath(`contracts/${data.contract.id}`, chosen) }]
      : []),
  ];
  return (
    <nav
      className={`fd-actions-grid${elderly ? ' fd-actions-grid--elderly' : ''}`}
      aria-label={t('fdResident.overview.actions')}
    >
      {actions.map((a) => (
        <button
          key={a.key}
          type="button"
          className={`fd-action fd-action--${a.key}`}
          onClick={() => navigate(a.path)}
          data-testid={`fd-action-${a.key}`}
        >
          <span className="fd-action__icon" aria-hidden>
            {a.badge ? <Badge content={a.badge}>{a.icon}</Badge> : a.icon}
          </span>
          <span className="fd-action__label">
            {t(`fdResident.overview.action.${a.key as 'readings'}`)}
            {a.badge ? (
              <span className="fd-sr-only">{t('fdResident.articles.unreadCount', { count: a.badge })}</span>
            ) : null}
          </span>
        </button>
      ))}
    </nav>
  );
}

export function PlanLine({ plan }: { plan: PlanView }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="fd-plan" data-testid="fd-plan" data-condition={plan.condition}>
      <span className="fd-plan__main">
        <strong>{t(`fdResident.condition.${plan.condition}`)}</strong>
        <span className="fd-muted">
          {plan.nextDueOn
            ? t('fdResident.plans.nextDue', { date: formatDate(plan.nextDueOn, i18n.language) })
            : t('fdResident.plans.noneDue')}
          {' · '}
          {t('fdResident.plans.thisYear', { count: plan.followupsThisYear })}
        </span>
      </span>
      {plan.lastClassification && <ClassificationTag value={plan.lastClassification} />}
    </li>
  );
}

/** A renewal or switch signed for after the current term (or still to sign or pay). */
export function NextContract({
  next,
  chosen,
  confirming,
  reload,
}: {
  next: ContractView;
  chosen: string | undefined;
  confirming: boolean;
  reload(): void;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  async function pay() {
    if (!next.orderId) return;
    try {
      await goToCashier(next.orderId);
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
      reload();
    }
  }
  return (
    <section
      className="booking-card fd-next"
      aria-labelledby="fd-next-title"
      data-testid="fd-next"
      data-status={next.status}
    >
      <div className="fd-card__head">
        <h2 className="booking-card__title fd-card__title" id="fd-next-title">
          {t('fdResident.overview.nextTitle')}
        </h2>
        <ContractBadgeTag contract={next} />
      </div>
      <p className="fd-text">
        {confirming
          ? t('fdResident.overview.confirming')
          : t('fdResident.overview.next', {
              team: next.team.name,
              date: formatDate(next.startsOn, i18n.language),
              years: next.years,
            })}
      </p>
      {next.status === 'pending_signature' && (
        <Button
          block
          color="primary"
          onClick={() => navigate(fdPath('sign', chosen, { contract: next.id }))}
          data-testid="fd-next-sign"
        >
          {t('fdResident.overview.continueSign')}
        </Button>
      )}
      {next.status === 'pending_payment' && next.orderId && !confirming && (
        <Button block color="primary" onClick={pay} data-testid="fd-next-pay">
          {t('fdResident.overview.pay', { amount: formatYuan(next.residentFen) })}
        </Button>
      )}
    </section>
  );
}
