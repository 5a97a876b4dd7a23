import { Button, ImageViewer, List, SpinLoading, Tag, TextArea, Toast } from 'antd-mobile';
import { PictureOutline, StarFill } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { VisitStatus, VisitView } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { formatDateTime, formatYuan, shanghaiDate } from '../../format.js';
import { attachmentUrl, useAttachmentUrl } from '../../visits/attachments.js';
import { VISIT_TONE, visitErrorText } from './visitApi.js';

export function VisitStatusTag({ status }: { status: VisitStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={VISIT_TONE[status]} data-testid="visit-status">
      {t(`visits.status.${status}`)}
    </Tag>
  );
}

/** A picture's thumbnail, fetched with the session's token; a tap opens the full picture. */
export function AttachmentThumb({ attachmentId, className }: { attachmentId: string; className?: string }) {
  const { t } = useTranslation();
  const { url, failed } = useAttachmentUrl(attachmentId, true);

  async function open() {
    try {
      const full = await attachmentUrl(attachmentId, false);
      const viewer = ImageViewer.show({
        image: full,
        afterClose: () => URL.revokeObjectURL(full),
        // A tap on the picture closes it too; the button is for those who do not know.
        renderFooter: () => (
          <div className="image-viewer-footer">
            <Button
              size="small"
              shape="rounded"
              onClick={() => viewer.close()}
              data-testid="image-viewer-close"
            >
              {t('visits.h5.close')}
            </Button>
          </div>
        ),
      });
    } catch (error) {
      Toast.show({ content: visitErrorText(error, t) });
    }
  }

  return (
    <button
      type="button"
      className={`attachment-thumb ${className ?? ''}`}
      onClick={open}
      data-testid="attachment-thumb"
      data-loaded={url ? 'true' : 'false'}
    >
      {url ? (
        <img src={url} alt={t('visits.h5.imageAlt')} />
      ) : failed ? (
        <PictureOutline className="attachment-thumb__icon" />
      ) : (
        <SpinLoading className="attachment-thumb__spin" />
      )}
    </button>
  );
}

/** PILOT-3, ID-6: the doctor starts a child's visit only once the guardian says they are there. */
export function GuardianBanner({ visit, onChange }: { visit: VisitView; onChange(v: VisitView): void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  async function confirm() {
    setBusy(true);
    try {
      onChange(await post<VisitView>(`/visits/${visit.id}/guardian-presence`));
      Toast.show({ icon: 'success', content: t('visits.h5.guardianConfirmed') });
    } catch (error) {
      Toast.show({ content: visitErrorText(error, t) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="booking-card guardian-banner" data-testid="guardian-banner">
      <div className="guardian-banner__title">{t('visits.h5.guardianTitle')}</div>
      <p className="guardian-banner__desc">{t('visits.h5.guardianDesc', { name: visit.patientName })}</p>
      <Button
        block
        color="warning"
        size="large"
        loading={busy}
        onClick={confirm}
        data-testid="guardian-confirm"
      >
        {t('visits.h5.guardianConfirm')}
      </Button>
    </section>
  );
}

/** VISIT-3: why the doctor stopped, where to go, and one tap to book there. */
export function ReferralCard({ visit }: { visit: VisitView }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const referral = visit.referral;
  if (!referral) return null;
  const r = referral.recommendation;
  const institutionId = r.institutionId ?? visit.institutionId;
  const departmentId = r.departmentId ?? (r.institutionId ? undefined : visit.departmentId);
  const where = [r.institutionName, r.departmentName].filter(Boolean).join(' · ');
  return (
    <section className="booking-card referral-card" data-testid="referral-card">
      <h2 className="booking-card__title">{t('visits.h5.referralTitle')}</h2>
      <div className="referral-card__row">
        <span className="referral-card__label">{t('visits.h5.referralReason')}</span>
        <span>{referral.reason}</span>
      </div>
      {(where || r.note) && (
        <div className="referral-card__row">
          <span className="referral-card__label">{t('visits.h5.referralRecommendation')}</span>
          <span>
            {where}
            {where && r.note && <br />}
            {r.note}
          </span>
        </div>
      )}
      <p className="visit-hint">{t('visits.h5.referralRefund')}</p>
      <Button
        block
        color="primary"
        size="large"
        data-testid="referral-book"
        onClick={() =>
          navigate(
            departmentId
              ? `/patient/book/${institutionId}/${departmentId}`
              : `/patient/book/${institutionId}`,
          )
        }
      >
        {t('visits.h5.bookNow')}
      </Button>
    </section>
  );
}

/** 1–5 stars as buttons (a tap, a click or the keyboard), or read-only without `onChange`. */
function Stars({ value, onChange }: { value: number; onChange?(stars: number): void }) {
  const { t } = useTranslation();
  if (!onChange)
    return (
      <div className="rating-stars" title={t('visits.h5.stars', { count: value })}>
        {[1, 2, 3, 4, 5].map((n) => (
          <span key={n} className={`rating-star ${n <= value ? 'rating-star--on' : ''}`}>
            <StarFill />
          </span>
        ))}
      </div>
    );
  return (
    <div className="rating-stars">
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          type="button"
          aria-pressed={n <= value}
          aria-label={t('visits.h5.stars', { count: n })}
          className={`rating-star ${n <= value ? 'rating-star--on' : ''}`}
          onClick={() => onChange(n)}
          data-testid={`rating-star-${n}`}
        >
          <StarFill />
        </button>
      ))}
    </div>
  );
}

/** Stars and a word, once, after the visit is completed. */
export function RatingCard({ visit, onChange }: { visit: VisitView; onChange(v: VisitView): void }) {
  const { t } = useTranslation();
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  if (visit.rating) {
    return (
      <section className="booking-card rating-card" data-testid="rating-done">
        <h2 className="booking-card__title">{t('visits.h5.ratingDone')}</h2>
        <Stars value={visit.rating.stars} />
        {visit.rating.comment && <p className="rating-card__comment">{visit.rating.comment}</p>}
      </section>
    );
  }

  async function submit() {
    setBusy(true);
    try {
      const body = comment.trim() ? { stars, comment: comment.trim() } : { stars };
      onChange(await post<VisitView>(`/visits/${visit.id}/rating`, body));
      Toast.show({ icon: 'success', content: t('visits.h5.ratingThanks') });
    } catch (error) {
      Toast.show({ content: visitErrorText(error, t) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="booking-card rating-card" data-testid="rating-card">
      <h2 className="booking-card__title">{t('visits.h5.ratingTitle')}</h2>
      <div data-testid="rating-stars">
        <Stars value={stars} onChange={setStars} />
      </div>
      <TextArea
        className="visit-textarea rating-card__input"
        value={comment}
        onChange={setComment}
        placeholder={t('visits.h5.ratingPlaceholder')}
        autoSize={{ minRows: 2, maxRows: 4 }}
        maxLength={300}
      />
      <Button
        block
        color="primary"
        loading={busy}
        disabled={stars < 1}
        onClick={submit}
        data-testid="rating-submit"
      >
        {t('visits.h5.ratingSubmit')}
      </Button>
    </section>
  );
}

/** What was asked: who, what kind, the condition and its basis, the story, pictures and the fee. */
export function VisitInfo({ visit }: { visit: VisitView }) {
  const { t, i18n } = useTranslation();
  const evidence = visit.evidence;
  return (
    <List
      className="patient-list visit-info"
      mode="card"
      header={t('visits.h5.info')}
      data-testid="visit-info"
    >
      <List.Item extra={<span data-testid="visit-patient">{visit.patientName}</span>}>
        {t('visits.h5.patient')}
      </List.Item>
      <List.Item extra={`${t(`visits.type.${visit.type}`)} · ${t(`visits.channel.${visit.channel}`)}`}>
        {t('visits.h5.type')}
      </List.Item>
      {visit.conditionCode && (
        <List.Item extra={`${visit.conditionName ?? ''} ${visit.conditionCode}`.trim()}>
          {t('visits.h5.conditionName')}
        </List.Item>
      )}
      {evidence && (
        <List.Item
          description={
            <span className="visit-info__description" data-testid="visit-evidence">
              {evidence.kind === 'offline_diagnosis'
                ? t('visits.h5.evidenceOffline', {
                    institution: evidence.institutionName ?? '',
                    date: evidence.diagnosedAt ? shanghaiDate(evidence.diagnosedAt) : '',
                  })
                : `${t('visits.h5.evidenceDocument')} · ${
                    evidence.acceptedAt ? t('visits.h5.evidenceAccepted') : t('visits.h5.evidencePending')
                  }`}
            </span>
          }
        >
          {t('visits.h5.evidenceLabel')}
        </List.Item>
      )}
      <List.Item description={<span className="visit-info__description">{visit.description}</span>}>
        {t('visits.h5.description')}
      </List.Item>
      {visit.attachmentIds.length > 0 && (
        <List.Item>
          <div className="visit-info__photos">
            {visit.attachmentIds.map((id) => (
              <AttachmentThumb key={id} attachmentId={id} />
            ))}
          </div>
        </List.Item>
      )}
      <List.Item extra={<strong className="booking-fee">{formatYuan(visit.feeFen)}</strong>}>
        {t('visits.h5.fee')}
      </List.Item>
      <List.Item extra={formatDateTime(visit.createdAt, i18n.language)}>{t('visits.h5.visitDate')}</List.Item>
    </List>
  );
}
