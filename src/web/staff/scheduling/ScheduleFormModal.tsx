import { App, Col, Form, InputNumber, Modal, Row } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Practitioner } from '../../../shared/directory.js';
import type { Mode, Schedule } from '../../../shared/scheduling.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { addDays, shanghaiDate } from '../../format.js';
import { DateSelect, endAfterStart, ModeSelect, required, TimeSelect, yuanToFen } from './fields.js';

interface Values {
  date: string;
  startTime: string;
  endTime: string;
  mode: Mode;
  capacity: number;
  feeYuan?: number | null;
  referral?: number | null;
  partner?: number | null;
}

/** 新建排班: one session of the chosen doctor; fee and reserved quotas default to the institution's rules. */
export function ScheduleFormModal({
  doctor,
  open,
  onClose,
  onCreated,
}: {
  doctor: Practitioner | undefined;
  open: boolean;
  onClose(): void;
  onCreated(schedule: Schedule): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);

  async function submit(values: Values) {
    if (!doctor) return;
    setBusy(true);
    try {
      const quotas = {
        ...(values.referral != null ? { referral: values.referral } : {}),
        ...(values.partner != null ? { partner: values.partner } : {}),
      };
      const created = await post<Schedule>('/schedules', {
        doctorId: doctor.id,
        date: values.date,
        startTime: values.startTime,
        endTime: values.endTime,
        mode: values.mode,
        capacity: values.capacity,
        ...yuanToFen(values.feeYuan),
        ...(Object.keys(quotas).length > 0 ? { quotas } : {}),
      });
      message.success(t('booking.staff.created'));
      form.resetFields();
      onCreated(created);
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('booking.staff.createTitle', { name: doctor?.name ?? '' })}
      okText={t('booking.staff.create')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      width={560}
    >
      <Form<Values>
        form={form}
        name="schedule"
        layout="vertical"
        onFinish={submit}
        initialValues={{
          date: addDays(shanghaiDate(), 1),
          startTime: '08:00',
          endTime: '12:00',
          mode: 'offline',
          capacity: 20,
        }}
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="date"
              label={t('booking.staff.date')}
              rules={[required(t('booking.staff.dateRequired'))]}
            >
              <DateSelect />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="mode" label={t('booking.mode.label')}>
              <ModeSelect />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="startTime"
              label={t('booking.staff.startTime')}
              rules={[required(t('booking.staff.timeRequired'))]}
            >
              <TimeSelect />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="endTime"
              label={t('booking.staff.endTime')}
              dependencies={['startTime']}
              rules={[required(t('booking.staff.timeRequired')), endAfterStart(t, ['startTime'])]}
            >
              <TimeSelect />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="capacity"
              label={t('booking.staff.capacity')}
              rules={[required(t('booking.staff.capacityRequired'))]}
            >
              <InputNumber min={1} max={500} precision={0} className="full-width" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="feeYuan"
              label={t('booking.staff.feeYuan')}
              extra={t('booking.staff.feeDefault')}
            >
              <InputNumber min={0} max={100000} precision={2} prefix="¥" className="full-width" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="referral"
              label={t('booking.staff.referralQuota')}
              extra={t('booking.staff.quotaDefault')}
            >
              <InputNumber min={0} max={500} precision={0} className="full-width" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="partner"
              label={t('booking.staff.partnerQuota')}
              extra={t('booking.staff.quotaDefault')}
            >
              <InputNumber min={0} max={500} precision={0} className="full-width" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
