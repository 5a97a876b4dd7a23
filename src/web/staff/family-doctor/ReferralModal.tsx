import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  CarePlan,
  CreateReferralBody,
  ReferralTargets,
  ReferralView,
} from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';

type Targets = Static<typeof ReferralTargets>;

export interface ReferralDraft {
  direction: 'up' | 'down';
  patient: { id: string; name: string };
  summary?: string;
  toInstitutionId?: string;
  carePlan?: Partial<CarePlan>;
}

interface Values {
  toInstitutionId: string;
  departmentId?: string;
  summary: string;
  diagnosis?: string;
  medication?: string;
  advice?: string;
  tasks?: { title: string; dueInDays: number }[];
}

const trimmed = (text: string | undefined) => (text?.trim() ? text.trim() : undefined);

/** 康复方案 (a downward referral's care plan): diagnosis, medication, advice and at least one task. */
function CarePlanFields() {
  const { t } = useTranslation();
  return (
    <fieldset className="fd-fieldset" data-testid="care-plan-editor">
      <legend>{t('fdStaff.referral.carePlan')}</legend>
      <Form.Item name="diagnosis" label={t('fdStaff.referral.diagnosis')}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="medication" label={t('fdStaff.referral.medication')}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Form.Item name="advice" label={t('fdStaff.referral.advice')}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Typography.Text strong>{t('fdStaff.referral.tasks')}</Typography.Text>
      <Form.List
        name="tasks"
        rules={[
          {
            validator: async (_, tasks?: unknown[]) => {
              if (!tasks || tasks.length === 0) throw new Error(t('fdStaff.referral.tasksRequired'));
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <div className="fd-tasks">
            {fields.map((field, index) => (
              <Space key={field.key} align="start" className="fd-task" data-testid="care-plan-task">
                <Form.Item
                  name={[field.name, 'title']}
                  label={t('fdStaff.referral.taskTitle', { n: index + 1 })}
                  rules={[{ required: true, min: 2, max: 80, message: t('fdStaff.referral.taskTitleRule') }]}
                >
                  <Input className="fd-task__title" maxLength={80} />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'dueInDays']}
                  label={t('fdStaff.referral.dueInDays')}
                  rules={[{ required: true, message: t('fdStaff.referral.dueInDaysRule') }]}
                >
                  <InputNumber min={0} max={365} precision={0} />
                </Form.Item>
                <Button
                  className="fd-task__remove"
                  icon={<DeleteOutlined aria-hidden />}
                  onClick={() => remove(field.name)}
                  aria-label={t('fdStaff.referral.removeTask', { n: index + 1 })}
                />
              </Space>
            ))}
            <Button
              icon={<PlusOutlined aria-hidden />}
              onClick={() => add({ title: '', dueInDays: 14 })}
              data-testid="care-plan-add-task"
            >
              {t('fdStaff.referral.addTask')}
            </Button>
            <Form.ErrorList errors={errors} />
          </div>
        )}
      </Form.List>
    </fieldset>
  );
}

/**
 * 转诊单 (FD-4): up — a family doctor refers a contracted resident to an alliance hospital (target and
 * department from /referrals/targets, the summary prefilled from the latest readings); down — a hospital
 * doctor returns a patient to their community with a care plan whose tasks become follow-ups.
 */
export function ReferralModal({
  draft,
  onClose,
  onCreated,
}: {
  draft: ReferralDraft | null;
  onClose(): void;
  onCreated(referral: ReferralView): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const direction = draft?.direction ?? 'up';
  const targets = useApiData<Targets>(draft ? `/referrals/targets?direction=${direction}` : null);
  const chosen = Form.useWatch('toInstitutionId', form);
  const departments = targets.data?.items.find((i) => i.id === chosen)?.departments ?? [];

  function close() {
    setError(undefined);
    onClose();
  }

  async function save(values: Values) {
    if (!draft) return;
    setSaving(true);
    setError(undefined);
    const body: CreateReferralBody = {
      patientId: draft.patient.id,
      direction,
      toInstitutionId: values.toInstitutionId,
      ...(values.departmentId ? { departmentId: values.departmentId } : {}),
      summary: values.summary.trim(),
    };
    if (direction === 'down') {
      body.carePlan = {
        diagnosis: trimmed(values.diagnosis),
        medication: trimmed(values.medication),
        advice: trimmed(values.advice),
        tasks: (values.tasks ?? []).map((task) => ({ title: task.title.trim(), dueInDays: task.dueInDays })),
      };
      for (const key of ['diagnosis', 'medication', 'advice'] as const) {
        if (body.carePlan[key] === undefined) delete body.carePlan[key];
      }
    }
    try {
      const created = await post<ReferralView>('/referrals', body);
      void message.success(t('fdStaff.referral.created', { no: created.referralNo }));
      onCreated(created);
      close();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={draft !== null}
      title={t(direction === 'up' ? 'fdStaff.referral.upTitle' : 'fdStaff.referral.downTitle', {
        name: draft?.patient.name ?? '',
      })}
      onCancel={close}
      onOk={() => form.submit()}
      okText={t('fdStaff.referral.submit')}
      cancelText={t('fdStaff.common.cancel')}
      okButtonProps={{ loading: saving, 'data-testid': 'referral-submit' } as ButtonProps}
      width={720}
      destroyOnHidden
    >
      {draft && (
        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            toInstitutionId: draft.toInstitutionId,
            summary: draft.summary ?? '',
            diagnosis: draft.carePlan?.diagnosis,
            medication: draft.carePlan?.medication,
            advice: draft.carePlan?.advice,
            tasks: draft.carePlan?.tasks ?? (direction === 'down' ? [{ title: '', dueInDays: 14 }] : []),
          }}
          onFinish={(values) => void save(values)}
          data-testid="referral-form"
        >
          {targets.error !== undefined && (
            <Alert type="error" showIcon className="fd-block" title={errorText(targets.error, t)} />
          )}
          <Form.Item
            name="toInstitutionId"
            label={t(direction === 'up' ? 'fdStaff.referral.toHospital' : 'fdStaff.referral.toCommunity')}
            rules={[{ required: true, message: t('fdStaff.referral.targetRequired') }]}
          >
            <Select
              loading={targets.data === undefined && targets.error === undefined}
              options={(targets.data?.items ?? []).map((i) => ({ value: i.id, label: i.name }))}
              onChange={() => form.setFieldValue('departmentId', undefined)}
              notFoundContent={t('fdStaff.referral.noTargets')}
              data-testid="referral-target"
            />
          </Form.Item>
          {(direction === 'up' || departments.length > 0) && (
            <Form.Item
              name="departmentId"
              label={t('fdStaff.referral.department')}
              extra={
                direction === 'up' && chosen && departments.length === 0
                  ? t('fdStaff.referral.noDepartments')
                  : undefined
              }
            >
              <Select
                allowClear
                disabled={!chosen}
                options={departments.map((d) => ({ value: d.id, label: d.name }))}
                data-testid="referral-department"
              />
            </Form.Item>
          )}
          <Form.Item
            name="summary"
            label={t('fdStaff.referral.summary')}
            rules={[
              { required: true, min: 2, whitespace: true, message: t('fdStaff.referral.summaryRequired') },
            ]}
          >
            <Input.TextArea rows={6} maxLength={2000} showCount data-testid="referral-summary" />
          </Form.Item>
          {direction === 'down' && <CarePlanFields />}
          {error !== undefined && <Alert type="error" showIcon title={errorText(error, t)} />}
        </Form>
      )}
    </Modal>
  );
}
