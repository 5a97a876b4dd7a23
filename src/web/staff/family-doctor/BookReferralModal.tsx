import { Alert, App, type ButtonProps, Empty, Modal, Radio, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Practitioner } from '../../../shared/directory.js';
import type { ReferralView } from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import type { Schedule } from '../../../shared/scheduling.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { addDays, formatDay, formatYuan, shanghaiDate } from '../../format.js';
import { query } from './parts.js';

/** How far ahead the referral quota is offered (the sessions a hospital has published). */
const DAYS_AHEAD = 14;

/**
 * 预约转诊号源 (FD-4): the receiving department's open sessions of the next two weeks that reserve referral
 * tokens (the 转诊 channel of [2/6]); choosing one books the referred visit on that quota, with priority.
 */
export function BookReferralModal({
  referral,
  onClose,
  onBooked,
}: {
  referral: ReferralView | null;
  onClose(): void;
  onBooked(referral: ReferralView): void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [chosen, setChosen] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const today = shanghaiDate();
  const where = referral?.to.departmentId
    ? { departmentId: referral.to.departmentId }
    : { institutionId: referral?.to.institutionId };
  const schedules = useApiData<Page<Schedule>>(
    referral
      ? query('/schedules', { ...where, from: addDays(today, 1), to: addDays(today, DAYS_AHEAD) })
      : null,
  );
  const doctors = useApiData<Page<Practitioner>>(
    referral ? query('/doctors', { ...where, limit: 100 }) : null,
  );
  const names = new Map((doctors.data?.items ?? []).map((d) => [d.id, d]));
  const sessions = (schedules.data?.items ?? []).filter(
    (s) => s.status === 'open' && s.quotas.referral > 0 && s.mode === 'offline',
  );

  function close() {
    setChosen(undefined);
    setError(undefined);
    onClose();
  }

  async function book() {
    if (!referral || !chosen) return;
    setSaving(true);
    setError(undefined);
    try {
      const booked = await post<ReferralView>(`/referrals/${referral.id}/book`, { scheduleId: chosen });
      void message.success(t('fdStaff.book.done'));
      onBooked(booked);
      close();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={referral !== null}
      title={t('fdStaff.book.title', { name: referral?.patient.name ?? '' })}
      onCancel={close}
      onOk={() => void book()}
      okText={t('fdStaff.book.submit')}
      cancelText={t('fdStaff.common.cancel')}
      okButtonProps={{ disabled: !chosen, loading: saving, 'data-testid': 'book-submit' } as ButtonProps}
      width={680}
      destroyOnHidden
    >
      {referral && (
        <Typography.Paragraph type="secondary">
          {t('fdStaff.book.intro', {
            hospital: referral.to.institutionName,
            department: referral.to.departmentName ?? t('fdStaff.common.none'),
          })}
        </Typography.Paragraph>
      )}
      {schedules.error !== undefined && (
        <Alert type="error" showIcon className="fd-block" title={errorText(schedules.error, t)} />
      )}
      {schedules.data === undefined && schedules.error === undefined ? (
        <Spin className="staff-page__spin" />
      ) : sessions.length === 0 ? (
        <Empty description={t('fdStaff.book.none')} />
      ) : (
        <Radio.Group
          value={chosen}
          onChange={(e) => setChosen(e.target.value)}
          aria-label={t('fdStaff.book.sessions')}
          className="fd-sessions"
          data-testid="book-sessions"
        >
          <Space direction="vertical" className="fd-full">
            {sessions.map((s) => {
              const doctor = names.get(s.doctorId);
              return (
                <Radio key={s.id} value={s.id} data-testid="book-session">
                  <span className="fd-session">
                    <strong>{formatDay(s.date, i18n.language)}</strong>
                    <span>
                      {s.startTime}–{s.endTime}
                    </span>
                    <span>
                      {doctor ? `${doctor.name} ${doctor.professionalTitle}` : t('fdStaff.common.none')}
                    </span>
                    <span>{t('fdStaff.book.fee', { fee: formatYuan(s.feeFen) })}</span>
                    <Tag color="blue">{t('fdStaff.book.quota', { count: s.quotas.referral })}</Tag>
                  </span>
                </Radio>
              );
            })}
          </Space>
        </Radio.Group>
      )}
      {error !== undefined && (
        <Alert type="error" showIcon className="fd-block-top" title={errorText(error, t)} />
      )}
    </Modal>
  );
}
