import {
  Alert,
  App,
  Button,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Result,
  Select,
  Space,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { FollowupRecord, FollowupResult, FollowupView } from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { ClassificationTag } from './parts.js';

type Outcome = Static<typeof FollowupResult>;

/** The symptoms of the national follow-up form (codes; free text may be added). */
export const SYMPTOMS = [
  'none',
  'dizziness',
  'nausea',
  'blurred_vision',
  'dyspnoea',
  'palpitation',
  'nosebleed',
  'numbness',
  'oedema',
  'polydipsia',
  'polyuria',
  'weight_loss',
] as const;

interface Values {
  method: FollowupRecord['method'];
  systolic?: number;
  diastolic?: number;
  fastingGlucoseMmol?: number;
  heartRate?: number;
  weightKg?: number;
  symptoms?: string[];
  adherence?: FollowupRecord['adherence'];
  medication?: string;
  lifestyle?: string;
  advice?: string;
}

/** Only the filled fields: the record refuses empty strings and nulls. */
function recordOf(values: Values): FollowupRecord {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    record[key] = typeof value === 'string' ? value.trim() : value;
  }
  return record as unknown as FollowupRecord;
}

/**
 * 随访表单 (FD-7, FD-8): the national follow-up record for a due follow-up. On save the server classifies
 * it and says what comes next (the next due date); both are shown before the dialog closes.
 */
export function FollowupModal({
  followup,
  onClose,
  onDone,
}: {
  followup: FollowupView | null;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<Outcome>();
  const condition = followup?.condition;

  function close() {
    form.resetFields();
    setResult(undefined);
    setError(undefined);
    if (result) onDone();
    onClose();
  }

  async function save(values: Values) {
    if (!followup) return;
    setSaving(true);
    setError(undefined);
    try {
      const answer = await post<Outcome>(
        `/family-doctor/followups/${followup.id}/complete`,
        recordOf(values),
      );
      setResult(answer);
      void message.success(t('fdStaff.followup.saved'));
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  }

  const numberField = (name: keyof Values, label: string, min: number, max: number, step = 1) => (
    <Form.Item name={name} label={label}>
      <InputNumber min={min} max={max} step={step} className="fd-number" />
    </Form.Item>
  );

  return (
    <Modal
      open={followup !== null}
      title={t('fdStaff.followup.title', { name: followup?.patientName ?? '' })}
      onCancel={close}
      width={720}
      destroyOnHidden
      footer={
        result ? (
          <Button type="primary" onClick={close} data-testid="followup-close">
            {t('fdStaff.common.close')}
          </Button>
        ) : (
          <Space>
            <Button onClick={close}>{t('fdStaff.common.cancel')}</Button>
            <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="followup-save">
              {t('fdStaff.followup.save')}
            </Button>
          </Space>
        )
      }
    >
      {result ? (
        <Result
          status={result.action === 'routine' ? 'success' : 'warning'}
          title={t(`fdStaff.action.${result.action}`)}
          subTitle={t('fdStaff.followup.nextDue', { date: result.nextDueOn ?? t('fdStaff.common.none') })}
          extra={
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('fdStaff.followup.classification')}>
                <ClassificationTag value={result.followup.classification} />
              </Descriptions.Item>
              <Descriptions.Item label={t('fdStaff.followup.nextDueLabel')}>
                <span data-testid="followup-next-due">{result.nextDueOn ?? t('fdStaff.common.none')}</span>
              </Descriptions.Item>
            </Descriptions>
          }
          data-testid="followup-result"
        />
      ) : (
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={{ method: 'clinic', adherence: 'regular' }}
          onFinish={(values) => void save(values)}
          data-testid="followup-form"
        >
          {followup && (
            <Alert
              type="info"
              className="fd-block"
              title={`${followup.title} · ${t('fdStaff.worklist.dueOn', { date: followup.dueOn })}`}
            />
          )}
          <Form.Item name="method" label={t('fdStaff.followup.method')} rules={[{ required: true }]}>
            <Radio.Group
              optionType="button"
              options={(['clinic', 'home', 'phone', 'online'] as const).map((m) => ({
                value: m,
                label: t(`fdStaff.method.${m}`),
              }))}
            />
          </Form.Item>
          <div className="fd-grid">
            {condition !== 'diabetes' && (
              <>
                {numberField('systolic', t('fdStaff.followup.systolic'), 40, 300)}
                {numberField('diastolic', t('fdStaff.followup.diastolic'), 20, 200)}
              </>
            )}
            {condition !== 'hypertension' &&
              numberField('fastingGlucoseMmol', t('fdStaff.followup.glucose'), 0.5, 60, 0.1)}
            {numberField('heartRate', t('fdStaff.followup.heartRate'), 20, 250)}
            {numberField('weightKg', t('fdStaff.followup.weight'), 2, 300, 0.1)}
          </div>
          <Form.Item name="symptoms" label={t('fdStaff.followup.symptoms')}>
            <Select
              mode="tags"
              maxCount={20}
              options={SYMPTOMS.map((s) => ({ value: s, label: t(`fdStaff.symptom.${s}`) }))}
              placeholder={t('fdStaff.followup.symptomsHint')}
            />
          </Form.Item>
          <Form.Item name="adherence" label={t('fdStaff.followup.adherence')}>
            <Radio.Group
              options={(['regular', 'intermittent', 'none'] as const).map((a) => ({
                value: a,
                label: t(`fdStaff.adherence.${a}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="medication" label={t('fdStaff.followup.medication')}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
          <Form.Item name="lifestyle" label={t('fdStaff.followup.lifestyle')}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
          <Form.Item name="advice" label={t('fdStaff.followup.advice')}>
            <Input.TextArea rows={3} maxLength={1000} showCount />
          </Form.Item>
          {error !== undefined && <Alert type="error" showIcon title={errorText(error, t)} />}
        </Form>
      )}
    </Modal>
  );
}
