/** Pieces every family-doctor page shares: the frame, waiting and error states, status tags, stars. */
import { Button, ErrorBlock, Popup, SpinLoading, Tag, TextArea, Toast } from 'antd-mobile';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  Classification,
  ContractView,
  ReadingView,
  TeamMemberView,
} from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { describeError, errorText } from '../../errors.js';
import { displayTitle } from '../../names.js';
import { PageHeader } from '../PageHeader.js';
import {
  BADGE_COLOR,
  CLASSIFICATION_COLOR,
  contractBadge,
  type FdPatient,
  formatInstant,
  readingValue,
} from './fd.js';
import './family-doctor.css';

/** A page: its title bar and, for a family member, whose family doctor this is (ID-6). */
export function Frame({
  title,
  back,
  testId,
  patient,
  children,
  right,
}: {
  title: string;
  back: string;
  testId: string;
  patient: FdPatient;
  children: ReactNode;
  right?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="patient-page fd-page" data-testid={testId}>
      <PageHeader title={title} back={back} right={right} />
      {!patient.isSelf && (
        <p className="fd-patient-note" data-testid="fd-patient-note">
          {t('fdResident.common.forPatient', { name: patient.name || '…' })}
        </p>
      )}
      {children}
    </div>
  );
}

/** A spinner while loading, or the refusal when the load failed. */
export function Waiting({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error !== undefined) {
    return (
      <ErrorBlock
        className="patient-empty"
        status="default"
        title={t('common.loadFailed')}
        description={errorText(error, t)}
      />
    );
  }
  return (
    <div className="patient-loading">
      <SpinLoading color="primary" aria-label={t('fdResident.common.loading')} />
    </div>
  );
}

/** A refused call, in the problem's own words (its zh-CN title and detail), where the action was. */
export function ProblemNote({ error, testId = 'fd-problem' }: { error: unknown; testId?: string }) {
  const { t } = useTranslation();
  if (error === undefined || error === null) return null;
  const { title, detail } = describeError(error, t);
  return (
    <div className="fd-problem" role="alert" data-testid={testId}>
      <strong className="fd-problem__title">{title}</strong>
      {detail && <span className="fd-problem__detail">{detail}</span>}
    </div>
  );
}

/** A card of a page: a region named by its heading. */
export function Card({
  id,
  title,
  children,
  extra,
  className,
}: {
  id: string;
  title: string;
  children: ReactNode;
  extra?: ReactNode;
  className?: string;
}) {
  return (
    <section
      className={`booking-card fd-card ${className ?? ''}`}
      aria-labelledby={`fd-${id}`}
      data-testid={`fd-${id}`}
    >
      <div className="fd-card__head">
        <h2 className="booking-card__title fd-card__title" id={`fd-${id}`}>
          {title}
        </h2>
        {extra}
      </div>
      {children}
    </section>
  );
}

/** 待签名 / 待支付 / 已生效 / 即将到期 …: the contract's state as a tag. */
export function ContractBadgeTag({
  contract,
  onDark,
}: {
  contract: Pick<ContractView, 'status' | 'renewable'>;
  /** On the dark hero: white words in a white outline. */
  onDark?: boolean;
}) {
  const { t } = useTranslation();
  const badge = contractBadge(contract);
  if (onDark) {
    return (
      <span className="fd-hero__badge" data-testid="fd-contract-status" data-status={badge}>
        {t(`fdResident.status.${badge}`)}
      </span>
    );
  }
  return (
    <Tag color={BADGE_COLOR[badge]} fill="outline" data-testid="fd-contract-status" data-status={badge}>
      {t(`fdResident.status.${badge}`)}
    </Tag>
  );
}

/** 控制满意 / 控制不满意 / 危急: words and colour (never colour alone). */
export function ClassificationTag({ value }: { value: Classification }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={CLASSIFICATION_COLOR[value]}
      fill="solid"
      className={`fd-class fd-class--${value}`}
      data-classification={value}
    >
      {t(`fdResident.classification.${value}`)}
    </Tag>
  );
}

/** One reading in a list: its values with the unit, when, and the classification. */
export function ReadingRow({ reading }: { reading: ReadingView }) {
  const { t, i18n } = useTranslation();
  const unit = reading.kind === 'bp' ? t('fdResident.readings.mmHg') : t('fdResident.readings.mmol');
  const what =
    reading.kind === 'bp'
      ? t('fdResident.readings.bp')
      : t(`fdResident.readings.timing.${reading.glucoseTiming ?? 'random'}`);
  return (
    <li className="fd-reading" data-testid="fd-reading" data-kind={reading.kind}>
      <span className="fd-reading__main">
        <span className="fd-reading__what">{what}</span>
        <span className="fd-reading__value">
          {readingValue(reading)} <span className="fd-reading__unit">{unit}</span>
          {reading.kind === 'bp' && reading.pulse !== null && (
            <span className="fd-reading__unit">
              {' · '}
              {t('fdResident.readings.pulseValue', { value: reading.pulse })}
            </span>
          )}
        </span>
        <span className="fd-muted">{formatInstant(reading.measuredAt, i18n.language)}</span>
      </span>
      <ClassificationTag value={reading.classification} />
    </li>
  );
}

/** A team member: name, role in the team, title and (a specialist's) institution. */
export function MemberLine({ member, language }: { member: TeamMemberView; language: string }) {
  const { t } = useTranslation();
  return (
    <li className="fd-member" data-testid="fd-member" data-role={member.role}>
      <span className="fd-member__avatar" aria-hidden>
        {member.name.slice(-1)}
      </span>
      <span className="fd-member__main">
        <span className="fd-member__name">
          {member.name}
          <Tag className="fd-member__role" color="primary" fill="outline">
            {t(`fdResident.role.${member.role}`)}
          </Tag>
        </span>
        <span className="fd-muted">
          {[displayTitle(member.professionalTitle, language), member.institutionName]
            .filter(Boolean)
            .join(' · ')}
        </span>
      </span>
    </li>
  );
}

/** 评价: stars (1–5) and an optional comment, sent once (POST /family-doctor/ratings). */
export function RateButton({
  subject,
  subjectId,
  testId,
}: {
  subject: 'contract' | 'followup' | 'home_service';
  subjectId: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [stars, setStars] = useState(5);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>();

  if (done !== null) {
    return (
      <span className="fd-rated" data-testid={`${testId}-done`}>
        {t('fdResident.rating.thanks', { stars: done })}
      </span>
    );
  }

  async function submit() {
    setBusy(true);
    setFailure(undefined);
    try {
      await post('/family-doctor/ratings', {
        subject,
        subjectId,
        stars,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setDone(stars);
      setOpen(false);
      Toast.show({ icon: 'success', content: t('fdResident.rating.sent') });
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button size="small" color="primary" fill="outline" onClick={() => setOpen(true)} data-testid={testId}>
        {t('fdResident.rating.rate')}
      </Button>
      <Popup visible={open} onMaskClick={() => setOpen(false)} bodyClassName="fd-sheet">
        <h2 className="fd-sheet__title" id={`${testId}-title`}>
          {t('fdResident.rating.title')}
        </h2>
        <fieldset className="fd-stars" aria-labelledby={`${testId}-title`}>
          <legend className="fd-sr-only">{t('fdResident.rating.stars')}</legend>
          <div className="fd-stars__row">
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                key={n}
                type="button"
                className={`fd-star${n <= stars ? ' fd-star--on' : ''}`}
                aria-pressed={n === stars}
                aria-label={t('fdResident.rating.starsValue', { stars: n })}
                onClick={() => setStars(n)}
                data-testid={`${testId}-star-${n}`}
              >
                <span aria-hidden>★</span>
              </button>
            ))}
          </div>
          <span className="fd-muted" aria-live="polite">
            {t('fdResident.rating.starsValue', { stars })}
          </span>
        </fieldset>
        <label className="fd-label" htmlFor={`${testId}-comment`}>
          {t('fdResident.rating.comment')}
        </label>
        <TextArea
          id={`${testId}-comment`}
          className="fd-textarea"
          value={comment}
          onChange={setComment}
          maxLength={500}
          rows={3}
          placeholder={t('fdResident.rating.commentPlaceholder')}
        />
        <ProblemNote error={failure} />
        <div className="fd-actions">
          <Button
            block
            color="primary"
            size="large"
            loading={busy}
            onClick={submit}
            data-testid={`${testId}-submit`}
          >
            {t('fdResident.rating.submit')}
          </Button>
          <Button block fill="none" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </Button>
        </div>
      </Popup>
    </>
  );
}
