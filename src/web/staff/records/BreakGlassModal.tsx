import { Alert, App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BreakGlassView } from '../../../shared/records.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';

/**
 * 紧急调阅 (SEC-1, break-glass): a written reason is required, and the doctor is told before confirming
 * that the regulator is notified and the patient will see it. On success the archive opens for 24 hours.
 */
export function BreakGlassModal({
  patientId,
  open,
  onClose,
  onDone,
}: {
  patientId: string;
  open: boolean;
  onClose(): void;
  onDone(view: BreakGlassView): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  async function submit() {
    let reason: string;
    try {
      reason = (await form.validateFields()).reason.trim();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const view = await post<BreakGlassView>(`/patients/${patientId}/break-glass`, { reason });
      message.success(t('recordsStaff.breakGlass.done'));
      onDone(view);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('recordsStaff.breakGlass.title')}
      okText={t('recordsStaff.breakGlass.confirm')}
      okButtonProps={{ danger: true, loading: busy }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        className="rec-break-glass__warning"
        title={t('recordsStaff.breakGlass.warning')}
        description={t('recordsStaff.breakGlass.warningDetail')}
      />
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('recordsStaff.breakGlass.reason')}
          rules={[{ required: true, whitespace: true, message: t('recordsStaff.breakGlass.reasonRequired') }]}
        >
          <Input.TextArea
            maxLength={500}
            showCount
            autoSize={{ minRows: 3, maxRows: 6 }}
            placeholder={t('recordsStaff.breakGlass.reasonPlaceholder')}
            data-testid="break-glass-reason"
          />
        </Form.Item>
      </Form>
      {failure !== undefined && <Alert type="error" showIcon title={errorText(failure, t)} />}
    </Modal>
  );
}
