import { Alert, App, Button, Card, Empty, Form, Input, Select, Spin, Tag, Typography } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  EMPTY_RECORD,
  type MedicalRecordView,
  type RecordContent,
  type RecordTemplate,
  type VisitView,
} from '../../../shared/visits.js';
import { ApiError, get, post, put } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { formatTime } from '../../format.js';
import { IcdSelect } from './IcdSelect.js';
import { RecordContentView, SignedRecord } from './SignedRecord.js';
import { visitErrorText } from './visitApi.js';

const TEXT_FIELDS = [
  'chiefComplaint',
  'presentIllness',
  'pastHistory',
  'allergies',
  'onlineObservation',
] as const;

/** VISIT-6: consultations (and nursing advice) carry no diagnosis. */
export function carriesDiagnosis(visit: VisitView): boolean {
  return visit.type === 'follow_up' || visit.type === 'first_visit';
}

/** A draft nobody wrote in (the visit ended before the doctor typed anything). */
function isBlank(content: RecordContent): boolean {
  return (
    content.diagnoses.length === 0 && [...TEXT_FIELDS, 'advice' as const].every((f) => !content[f]?.trim())
  );
}

/** A follow-up resting on an uploaded document may carry a diagnosis only once the doctor accepted it. */
function evidencePending(visit: VisitView): boolean {
  return visit.evidence?.kind === 'document' && !visit.evidence.acceptedAt;
}

function Editor({
  visit,
  record,
  onSaved,
  onCompleted,
}: {
  visit: VisitView;
  record: MedicalRecordView | null;
  onSaved(record: MedicalRecordView): void;
  onCompleted(visit: VisitView): void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<RecordContent>();
  const [saving, setSaving] = useState(false);
  const [completing, setCompleting] = useState(false);
  const [templateId, setTemplateId] = useState<string>();
  const templates = useApiData<{ items: RecordTemplate[] }>(
    `/record-templates?departmentId=${encodeURIComponent(visit.departmentId)}`,
  );
  const diagnosis = carriesDiagnosis(visit);
  const blocked = diagnosis && evidencePending(visit);

  function content(): RecordContent {
    const values = form.getFieldsValue();
    return {
      ...EMPTY_RECORD,
      ...values,
      diagnoses: diagnosis && !blocked ? (values.diagnoses ?? []) : [],
    };
  }

  function applyTemplate(id: string) {
    setTemplateId(id);
    const template = templates.data?.items.find((item) => item.id === id);
    if (!template) return;
    const { diagnoses, ...texts } = template.content;
    form.setFieldsValue(texts);
    if (diagnoses && diagnosis && !blocked) form.setFieldsValue({ diagnoses });
    message.success(t('workstation.record.templateApplied', { name: template.name }));
  }

  async function save(): Promise<MedicalRecordView> {
    const saved = await put<MedicalRecordView>(`/visits/${visit.id}/record`, content());
    onSaved(saved);
    return saved;
  }

  async function saveDraft() {
    setSaving(true);
    try {
      await save();
      message.success(t('workstation.record.saved'));
    } catch (failure) {
      message.error(visitErrorText(failure, t));
    } finally {
      setSaving(false);
    }
  }

  async function complete() {
    try {
      await form.validateFields();
    } catch {
      return;
    }
    modal.confirm({
      title: t('workstation.record.completeTitle'),
      content: t('workstation.record.completeConfirm'),
      okText: t('workstation.record.completeOk'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setCompleting(true);
        try {
          await save();
          const done = await post<VisitView>(`/visits/${visit.id}/complete`);
          message.success(t('workstation.record.completed'));
          onCompleted(done);
        } catch (failure) {
          message.error(visitErrorText(failure, t));
        } finally {
          setCompleting(false);
        }
      },
    });
  }

  const required = (field: string) => [
    { required: true, whitespace: true, message: t('workstation.record.required', { field }) },
  ];

  return (
    <Form
      form={form}
      layout="vertical"
      size="small"
      className="record-form"
      initialValues={record?.content ?? EMPTY_RECORD}
      data-testid="record-form"
    >
      <div className="record-form__body">
        <Form.Item label={t('workstation.record.template')}>
          <Select
            placeholder={t('workstation.record.templatePlaceholder')}
            aria-label={t('workstation.record.template')}
            loading={templates.data === undefined && templates.error === undefined}
            options={templates.data?.items.map((item) => ({ value: item.id, label: item.name }))}
            value={templateId}
            onChange={applyTemplate}
            data-testid="template-select"
          />
        </Form.Item>
        {TEXT_FIELDS.map((field) => {
          const label = t(`workstation.record.${field}`);
          return (
            <Form.Item
              key={field}
              name={field}
              label={label}
              rules={field === 'chiefComplaint' ? required(label) : undefined}
            >
              <Input.TextArea
                autoSize={{ minRows: 1, maxRows: 6 }}
                maxLength={2000}
                data-testid={`record-${field}`}
              />
            </Form.Item>
          );
        })}
        {diagnosis ? (
          <Form.Item
            name="diagnoses"
            label={t('workstation.record.diagnoses')}
            extra={
              blocked ? (
                <Typography.Text type="warning">{t('workstation.record.evidenceFirst')}</Typography.Text>
              ) : undefined
            }
            rules={
              blocked
                ? undefined
                : [
                    {
                      required: true,
                      type: 'array',
                      min: 1,
                      message: t('workstation.record.diagnosisRequired'),
                    },
                  ]
            }
          >
            <IcdSelect disabled={blocked} />
          </Form.Item>
        ) : (
          <Alert
            type="info"
            showIcon
            className="record-form__no-diagnosis"
            title={t('workstation.record.noDiagnosisForConsultation')}
            data-testid="no-diagnosis"
          />
        )}
        <Form.Item
          name="advice"
          label={t('workstation.record.advice')}
          rules={required(t('workstation.record.advice'))}
        >
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={2000}
            data-testid="record-advice"
          />
        </Form.Item>
      </div>
      <div className="record-form__actions">
        <Typography.Text type="secondary" className="record-form__saved" data-testid="record-saved-at">
          {record && !isBlank(record.content)
            ? t('workstation.record.savedAt', { time: formatTime(record.updatedAt) })
            : ''}
        </Typography.Text>
        <Button onClick={saveDraft} loading={saving} data-testid="record-save">
          {t('workstation.record.save')}
        </Button>
        <Button type="primary" onClick={complete} loading={completing} data-testid="record-complete">
          {t('workstation.record.complete')}
        </Button>
      </div>
    </Form>
  );
}

/**
 * Right column: the medical record. Written while the visit is in progress, signed on completion and
 * read-only after, with addenda; before the start there is nothing to write.
 */
export function RecordPanel({
  visit,
  onVisitChanged,
}: {
  visit: VisitView;
  onVisitChanged(visit: VisitView): void;
}) {
  const { t } = useTranslation();
  // undefined while loading; null when no record exists yet.
  const [record, setRecord] = useState<MedicalRecordView | null>();
  const [error, setError] = useState<unknown>();
  const status = visit.status;
  const started = status !== 'requested' && status !== 'paid' && status !== 'waiting';

  // Loaded again on every status change: completing turns the draft into the signed record.
  useEffect(() => {
    if (status === 'requested' || status === 'paid' || status === 'waiting') {
      setRecord(null);
      return;
    }
    let current = true;
    get<MedicalRecordView>(`/visits/${visit.id}/record`).then(
      (answer) => current && setRecord(answer),
      (failure) => {
        if (!current) return;
        if (failure instanceof ApiError && failure.status === 404) setRecord(null);
        else setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [visit.id, status]);

  const signed = record?.status === 'signed';
  const showDiagnoses = carriesDiagnosis(visit);
  let body: ReactNode;
  if (error) {
    body = <Alert type="error" title={visitErrorText(error, t)} />;
  } else if (record === undefined) {
    body = <Spin className="staff-page__spin" />;
  } else if (signed) {
    body = <SignedRecord record={record} showDiagnoses={showDiagnoses} onChanged={setRecord} />;
  } else if (visit.status === 'in_progress') {
    body = <Editor visit={visit} record={record} onSaved={setRecord} onCompleted={onVisitChanged} />;
  } else if (record && !isBlank(record.content)) {
    body = <RecordContentView content={record.content} showDiagnoses={showDiagnoses} />;
  } else {
    body = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={t(started ? 'workstation.record.noRecord' : 'workstation.record.notStarted')}
      />
    );
  }

  return (
    <Card
      size="small"
      className="record"
      title={
        <span className="record__title">
          {t('workstation.record.title')}
          {record && (signed || status === 'in_progress' || !isBlank(record.content)) && (
            <Tag color={signed ? 'success' : 'default'} data-testid="record-status">
              {t(signed ? 'workstation.record.signed' : 'workstation.record.draft')}
            </Tag>
          )}
        </span>
      }
    >
      {body}
    </Card>
  );
}
