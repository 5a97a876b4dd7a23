import { App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';

/** A returned parcel (or a paid order the pharmacy cannot fill): cancel and refund, with a reason. */
export function CancelFulfilmentModal({
  id,
  open,
  onClose,
  onDone,
}: {
  id: string;
  open: boolean;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  async function submit() {
    let reason: string;
    try {
      reason = (await form.validateFields()).reason.trim();
    } catch {
      return;
    }
    setBusy(true);
    try {
      await post(`/fulfilments/${id}/cancel`, { reason });
      message.success(t('rxStaff.circulation.cancelled'));
      onDone();
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={open}
      title={t('rxStaff.circulation.cancelTitle')}
      okText={t('rxStaff.circulation.cancel')}
      okButtonProps={{ danger: true, loading: busy }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('rxStaff.circulation.cancelReason')}
          rules={[
            { required: true, whitespace: true, message: t('rxStaff.circulation.cancelReasonRequired') },
          ]}
        >
          <Input.TextArea
            maxLength={500}
            autoSize={{ minRows: 2, maxRows: 4 }}
            placeholder={t('rxStaff.circulation.cancelReasonPlaceholder')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
