import {
  App,
  Button,
  type ButtonProps,
  Descriptions,
  Drawer,
  Input,
  Modal,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReferralView } from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { formatDay, formatTime } from '../../format.js';
import { dateTime, ErrorAlert, ReferralStatusTag, sexAge } from './parts.js';

export type Box = 'outgoing' | 'incoming';

/** The referral's steps with their times: 发起 → 接收 → 预约 → 完成 (or 拒绝 / 撤销). */
function steps(r: ReferralView, t: TFunction) {
  const items: { key: string; color: string; children: ReactNode }[] = [
    {
      key: 'sent',
      color: 'blue',
      children: `${t('fdStaff.timeline.sent', { name: r.from.practitionerName })} · ${dateTime(r.createdAt)}`,
    },
  ];
  if (r.acceptedAt)
    items.push({
      key: 'accepted',
      color: 'blue',
      children: `${t('fdStaff.timeline.accepted')} · ${dateTime(r.acceptedAt)}`,
    });
  if (r.bookedAt)
    items.push({
      key: 'booked',
      color: 'blue',
      children: `${t('fdStaff.timeline.booked')} · ${dateTime(r.bookedAt)}`,
    });
  if (r.completedAt)
    items.push({
      key: 'completed',
      color: 'green',
      children: `${t('fdStaff.timeline.completed')} · ${dateTime(r.completedAt)}`,
    });
  if (r.status === 'declined')
    items.push({
      key: 'declined',
      color: 'red',
      children: t('fdStaff.timeline.declined', { reason: r.declineReason ?? t('fdStaff.common.none') }),
    });
  if (r.status === 'cancelled')
    items.push({ key: 'cancelled', color: 'gray', children: t('fdStaff.timeline.cancelled') });
  return items;
}

/**
 * One referral (FD-4): the summary, the care plan (downward), its steps with their times and the booked
 * visit; the actions its state allows for this side — the receiving side 接收 / 拒绝 / 完成, the sending
 * side 预约号源 (upward, once accepted) / 撤销; the hospital may 下转 an upward referral it completed.
 */
export function ReferralDrawer({
  referral,
  box,
  onClose,
  onChanged,
  onBook,
  onDownward,
}: {
  referral: ReferralView | null;
  box: Box;
  onClose(): void;
  onChanged(referral: ReferralView): void;
  onBook(referral: ReferralView): void;
  onDownward?(referral: ReferralView): void;
}) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [completing, setCompleting] = useState(false);
  const [note, setNote] = useState('');
  const r = referral;

  async function act(action: 'accept' | 'decline' | 'complete' | 'cancel', body: object = {}) {
    if (!r) return false;
    setBusy(action);
    setError(undefined);
    try {
      const changed = await post<ReferralView>(`/referrals/${r.id}/${action}`, body);
      void message.success(t(`fdStaff.referral.done.${action}`));
      onChanged(changed);
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(undefined);
    }
  }

  const incoming = box === 'incoming';
  // The sender may withdraw until a token is booked.
  const open = r !== null && (r.status === 'sent' || r.status === 'accepted');
  const actions: ReactNode[] = [];
  if (r && incoming && r.status === 'sent') {
    actions.push(
      <Button
        key="accept"
        type="primary"
        loading={busy === 'accept'}
        onClick={() => void act('accept')}
        data-testid="referral-accept"
      >
        {t('fdStaff.referral.accept')}
      </Button>,
      <Button key="decline" danger onClick={() => setDeclining(true)} data-testid="referral-decline">
        {t('fdStaff.referral.decline')}
      </Button>,
    );
  }
  if (r && r.direction === 'up' && r.status === 'accepted') {
    actions.push(
      <Button key="book" type="primary" onClick={() => onBook(r)} data-testid="referral-book">
        {t('fdStaff.referral.book')}
      </Button>,
    );
  }
  if (r && incoming && (r.status === 'accepted' || r.status === 'booked')) {
    actions.push(
      <Button key="complete" onClick={() => setCompleting(true)} data-testid="referral-complete">
        {t('fdStaff.referral.complete')}
      </Button>,
    );
  }
  if (r && !incoming && open) {
    actions.push(
      <Button
        key="cancel"
        danger
        loading={busy === 'cancel'}
        onClick={() =>
          modal.confirm({
            title: t('fdStaff.referral.cancelConfirm'),
            okText: t('fdStaff.referral.cancel'),
            okButtonProps: { danger: true },
            cancelText: t('fdStaff.common.back'),
            onOk: () => act('cancel'),
          })
        }
        data-testid="referral-cancel"
      >
        {t('fdStaff.referral.cancel')}
      </Button>,
    );
  }
  if (r && incoming && r.direction === 'up' && r.status === 'completed' && onDownward) {
    actions.push(
      <Button key="down" type="primary" onClick={() => onDownward(r)} data-testid="referral-downward">
        {t('fdStaff.referral.downward')}
      </Button>,
    );
  }

  return (
    <Drawer
      open={r !== null}
      onClose={onClose}
      size={640}
      title={r ? t('fdStaff.referral.detailTitle', { no: r.referralNo }) : ''}
      destroyOnHidden
      extra={<Space wrap>{actions}</Space>}
      data-testid="referral-drawer"
    >
      {r && (
        <section
          className="fd-drawer"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the drawer's body scrolls long content whose actions sit in the header; the region takes keyboard focus so it can be scrolled without a mouse (axe scrollable-region-focusable).
          tabIndex={0}
          aria-label={t('fdStaff.referral.detailTitle', { no: r.referralNo })}
        >
          {error !== undefined && !declining && !completing && <ErrorAlert error={error} />}
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('fdStaff.referral.patient')}>
              <Space wrap>
                <strong>{r.patient.name}</strong>
                <span>{sexAge(r.patient.sex, r.patient.age, t)}</span>
                {r.contracted && <Tag color="cyan">{t('fdStaff.referral.contracted')}</Tag>}
                {r.elderlyBonus && <Tag color="gold">{t('fdStaff.referral.elderlyBonus')}</Tag>}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.referral.direction')}>
              {t(`fdStaff.direction.${r.direction}`)} · <ReferralStatusTag status={r.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.referral.from')}>
              {r.from.institutionName} · {r.from.practitionerName}
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.referral.to')}>
              {r.to.institutionName}
              {r.to.departmentName ? ` · ${r.to.departmentName}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('fdStaff.referral.appointment')}>
              {r.appointment ? (
                <span data-testid="referral-appointment">
                  {formatDay(r.appointment.date, i18n.language)} {formatTime(r.appointment.windowStart)} ·{' '}
                  {r.appointment.doctorName}
                </span>
              ) : (
                t('fdStaff.referral.noAppointment')
              )}
            </Descriptions.Item>
          </Descriptions>

          <Typography.Title level={3} className="fd-h">
            {t('fdStaff.referral.summary')}
          </Typography.Title>
          <Typography.Paragraph className="fd-pre" data-testid="referral-summary-text">
            {r.summary}
          </Typography.Paragraph>

          {r.carePlan && (
            <>
              <Typography.Title level={3} className="fd-h">
                {t('fdStaff.referral.carePlan')}
              </Typography.Title>
              <Descriptions size="small" column={1} bordered data-testid="referral-care-plan">
                <Descriptions.Item label={t('fdStaff.referral.diagnosis')}>
                  {r.carePlan.diagnosis || t('fdStaff.common.none')}
                </Descriptions.Item>
                <Descriptions.Item label={t('fdStaff.referral.medication')}>
                  <span className="fd-pre">{r.carePlan.medication || t('fdStaff.common.none')}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('fdStaff.referral.advice')}>
                  <span className="fd-pre">{r.carePlan.advice || t('fdStaff.common.none')}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('fdStaff.referral.tasksShown')}>
                  <ul className="fd-list">
                    {r.carePlan.tasks.map((task) => (
                      <li key={`${task.title}-${task.dueInDays}`}>
                        {t('fdStaff.referral.taskLine', { title: task.title, days: task.dueInDays })}
                      </li>
                    ))}
                  </ul>
                </Descriptions.Item>
              </Descriptions>
            </>
          )}

          {r.completeNote && (
            <>
              <Typography.Title level={3} className="fd-h">
                {t('fdStaff.referral.completeNote')}
              </Typography.Title>
              <Typography.Paragraph className="fd-pre">{r.completeNote}</Typography.Paragraph>
            </>
          )}

          <Typography.Title level={3} className="fd-h">
            {t('fdStaff.referral.timeline')}
          </Typography.Title>
          <Timeline items={steps(r, t)} data-testid="referral-timeline" />
        </section>
      )}

      <Modal
        open={declining}
        title={t('fdStaff.referral.declineTitle')}
        okText={t('fdStaff.referral.decline')}
        okButtonProps={{ danger: true, disabled: reason.trim().length < 2, loading: busy === 'decline' }}
        cancelText={t('fdStaff.common.cancel')}
        onCancel={() => {
          setDeclining(false);
          setError(undefined);
        }}
        onOk={async () => {
          if (await act('decline', { reason: reason.trim() })) {
            setDeclining(false);
            setReason('');
          }
        }}
      >
        {error !== undefined && <ErrorAlert error={error} />}
        <label htmlFor="fd-decline-reason" className="fd-label">
          {t('fdStaff.referral.declineReason')}
        </label>
        <Input.TextArea
          id="fd-decline-reason"
          rows={3}
          maxLength={200}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="referral-decline-reason"
        />
      </Modal>
      <Modal
        open={completing}
        title={t('fdStaff.referral.completeTitle')}
        okText={t('fdStaff.referral.complete')}
        okButtonProps={{ loading: busy === 'complete', 'data-testid': 'referral-complete-ok' } as ButtonProps}
        cancelText={t('fdStaff.common.cancel')}
        onCancel={() => {
          setCompleting(false);
          setError(undefined);
        }}
        onOk={async () => {
          if (await act('complete', note.trim() ? { note: note.trim() } : {})) {
            setCompleting(false);
            setNote('');
          }
        }}
      >
        {error !== undefined && <ErrorAlert error={error} />}
        <label htmlFor="fd-complete-note" className="fd-label">
          {t('fdStaff.referral.completeNote')}
        </label>
        <Input.TextArea
          id="fd-complete-note"
          rows={3}
          maxLength={1000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </Drawer>
  );
}
