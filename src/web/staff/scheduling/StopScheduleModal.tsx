import { Alert, App, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schedule, StopScheduleResult } from '../../../shared/scheduling.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { formatDay } from '../../format.js';
import { required } from './fields.js';

/** 停诊: every booking of the session is cancelled and refunded in full, and the patients are told. */
export function StopScheduleModal({
  schedule,
  onClose,
  onStopped,
}: {
  schedule: Schedule | undefined;
  onClose(): void;
  onStopped(cancelled: number): void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);

  async function submit({ reason }: { reason: string }) {
    if (!schedule) return;
    setBusy(true);
    try {
      const answer = await post<StopScheduleResult>(`/schedules/${schedule.id}/stop`, {
        reason: reason.trim(),
      });
      form.resetFields();
      onStopped(answer.cancelled);
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={schedule !== undefined}
      title={t('booking.staff.stopTitle')}
      okText={t('booking.staff.stopConfirm')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {schedule && (
        <Typography.Paragraph strong>
          {formatDay(schedule.date, i18n.language)} {schedule.startTime}–{schedule.endTime}
        </Typography.Paragraph>
      )}
      <Alert type="warning" showIcon className="stop-warning" title={t('booking.staff.stopWarning')} />
      <Form form={form} name="stop" layout="vertical" onFinish={submit}>
        <Form.Item
          name="reason"
          label={t('booking.staff.stopReason')}
          rules={[
            required(t('booking.staff.stopReasonRequired')),
            { whitespace: true, message: t('booking.staff.stopReasonRequired') },
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={200}
            showCount
            placeholder={t('booking.staff.stopReasonPlaceholder')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
