import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Col, Form, InputNumber, List, Modal, Result, Row, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Practitioner } from '../../../shared/directory.js';
import type { BulkScheduleResult, Mode } from '../../../shared/scheduling.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { addDays, formatDay, shanghaiDate } from '../../format.js';
import {
  DateSelect,
  endAfterStart,
  ModeSelect,
  required,
  TimeSelect,
  weekdayOptions,
  yuanToFen,
} from './fields.js';

interface Session {
  weekday: number;
  startTime: string;
  endTime: string;
  mode: Mode;
  capacity: number;
  feeYuan?: number | null;
}

interface Values {
  startDate: string;
  weeks: number;
  sessions: Session[];
}

const NEW_SESSION: Session = {
  weekday: 1,
  startTime: '08:00',
  endTime: '12:00',
  mode: 'offline',
  capacity: 20,
};

function TemplateResult({ result }: { result: BulkScheduleResult }) {
  const { t, i18n } = useTranslation();
  return (
    <div data-testid="template-result">
      <Result
        status={result.created.length > 0 ? 'success' : 'warning'}
        title={t('booking.staff.templateCreated', { count: result.created.length })}
        subTitle={
          result.skipped.length > 0
            ? t('booking.staff.templateSkipped', { count: result.skipped.length })
            : undefined
        }
      />
      {result.skipped.length > 0 && (
        <List
          size="small"
          bordered
          dataSource={result.skipped}
          renderItem={(s) => (
            <List.Item data-testid="template-skipped">
              {formatDay(s.date, i18n.language)} {s.startTime} — {s.reason}
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

/** 按周模板排班: weekday rows repeated for some weeks; a day that clashes is skipped and said why. */
export function TemplateModal({
  doctor,
  open,
  onClose,
  onDone,
}: {
  doctor: Practitioner | undefined;
  open: boolean;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BulkScheduleResult>();
  const close = () => {
    setResult(undefined);
    onClose();
  };

  async function submit(values: Values) {
    if (!doctor) return;
    setBusy(true);
    try {
      const answer = await post<BulkScheduleResult>('/schedules/bulk', {
        doctorId: doctor.id,
        startDate: values.startDate,
        weeks: values.weeks,
        sessions: values.sessions.map(({ feeYuan, ...session }) => ({ ...session, ...yuanToFen(feeYuan) })),
      });
      setResult(answer);
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
      title={t('booking.staff.templateTitle', { name: doctor?.name ?? '' })}
      onCancel={close}
      destroyOnHidden
      width={820}
      footer={
        result
          ? [
              <Button key="done" type="primary" onClick={close}>
                {t('booking.staff.done')}
              </Button>,
            ]
          : [
              <Button key="cancel" onClick={close}>
                {t('common.cancel')}
              </Button>,
              <Button
                key="ok"
                type="primary"
                loading={busy}
                onClick={() => form.submit()}
                data-testid="template-submit"
              >
                {t('booking.staff.templateSubmit')}
              </Button>,
            ]
      }
    >
      {result ? (
        <TemplateResult result={result} />
      ) : (
        <Form<Values>
          form={form}
          name="template"
          layout="vertical"
          onFinish={submit}
          initialValues={{ startDate: addDays(shanghaiDate(), 1), weeks: 1, sessions: [NEW_SESSION] }}
        >
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item
                name="startDate"
                label={t('booking.staff.startDate')}
                rules={[required(t('booking.staff.dateRequired'))]}
              >
                <DateSelect />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="weeks" label={t('booking.staff.weeks')} extra={t('booking.staff.weeksHint')}>
                <InputNumber min={1} max={12} precision={0} className="full-width" />
              </Form.Item>
            </Col>
          </Row>
          <div className="template-grid template-grid--head">
            <span>{t('booking.staff.weekday')}</span>
            <span>{t('booking.staff.startTime')}</span>
            <span>{t('booking.staff.endTime')}</span>
            <span>{t('booking.mode.label')}</span>
            <span>{t('booking.staff.capacity')}</span>
            <span>{t('booking.staff.feeYuan')}</span>
            <span />
          </div>
          <Form.List name="sessions">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <div key={field.key} className="template-grid" data-testid="template-row">
                    <Form.Item name={[field.name, 'weekday']}>
                      <Select aria-label={t('booking.staff.weekday')} options={weekdayOptions(t)} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'startTime']}
                      rules={[required(t('booking.staff.timeRequired'))]}
                    >
                      <TimeSelect aria-label={t('booking.staff.startTime')} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'endTime']}
                      dependencies={[['sessions', field.name, 'startTime']]}
                      rules={[
                        required(t('booking.staff.timeRequired')),
                        endAfterStart(t, ['sessions', field.name, 'startTime']),
                      ]}
                    >
                      <TimeSelect aria-label={t('booking.staff.endTime')} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'mode']}>
                      <ModeSelect aria-label={t('booking.mode.label')} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'capacity']}
                      rules={[required(t('booking.staff.capacityRequired'))]}
                    >
                      <InputNumber
                        aria-label={t('booking.staff.capacity')}
                        min={1}
                        max={500}
                        precision={0}
                        className="full-width"
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'feeYuan']}>
                      <InputNumber
                        aria-label={t('booking.staff.feeYuan')}
                        min={0}
                        precision={2}
                        placeholder={t('booking.staff.byTitle')}
                        className="full-width"
                      />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<DeleteOutlined aria-hidden />}
                      aria-label={t('booking.staff.removeRow')}
                      disabled={fields.length === 1}
                      onClick={() => remove(field.name)}
                    />
                  </div>
                ))}
                <Button
                  type="dashed"
                  block
                  icon={<PlusOutlined aria-hidden />}
                  onClick={() => add(NEW_SESSION)}
                  disabled={fields.length >= 14}
                  data-testid="template-add"
                >
                  {t('booking.staff.addRow')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      )}
    </Modal>
  );
}
