import { SafetyCertificateOutlined } from '@ant-design/icons';
import { App, Button, Descriptions, Form, Input, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MedicalRecordView, RecordContent } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { formatDateTime } from '../../format.js';
import { visitErrorText } from './visitApi.js';

const TEXT_FIELDS = [
  'chiefComplaint',
  'presentIllness',
  'pastHistory',
  'allergies',
  'onlineObservation',
] as const;

/** The record's sections, read-only (a signed record, or a draft left when the visit ended). */
export function RecordContentView({
  content,
  showDiagnoses,
}: {
  content: RecordContent;
  showDiagnoses: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="record-view" data-testid="record-view">
      {TEXT_FIELDS.map((field) => (
        <div key={field} className="record-view__section">
          <div className="record-view__label">{t(`workstation.record.${field}`)}</div>
          <div className="record-view__text">{content[field] || '—'}</div>
        </div>
      ))}
      {showDiagnoses && (
        <div className="record-view__section">
          <div className="record-view__label">{t('workstation.record.diagnoses')}</div>
          <div className="record-view__text" data-testid="record-diagnoses">
            {content.diagnoses.length === 0
              ? '—'
              : content.diagnoses.map((d) => (
                  <Tag key={d.icd10} color="blue">
                    {d.icd10} {d.name}
                  </Tag>
                ))}
          </div>
        </div>
      )}
      <div className="record-view__section">
        <div className="record-view__label">{t('workstation.record.advice')}</div>
        <div className="record-view__text">{content.advice || '—'}</div>
      </div>
    </div>
  );
}

/** A hex or base64 value too long for the column: its ends, the whole on hover and copy. */
function Long({ value }: { value?: string }) {
  if (!value) return <>—</>;
  const short = value.length > 24 ? `${value.slice(0, 12)}…${value.slice(-8)}` : value;
  return (
    <Typography.Text code copyable={{ text: value }} title={value} className="record-long">
      {short}
    </Typography.Text>
  );
}

/**
 * A signed record: immutable (SEC-4), with who signed it and how; corrections are signed addenda, added
 * at the bottom.
 */
export function SignedRecord({
  record,
  showDiagnoses,
  onChanged,
}: {
  record: MedicalRecordView;
  showDiagnoses: boolean;
  onChanged(record: MedicalRecordView): void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ text: string }>();
  const [saving, setSaving] = useState(false);

  async function addAddendum({ text }: { text: string }) {
    setSaving(true);
    try {
      onChanged(
        await post<MedicalRecordView>(`/visits/${record.visitId}/record/addenda`, { text: text.trim() }),
      );
      form.resetFields();
      message.success(t('workstation.record.addendumAdded'));
    } catch (failure) {
      message.error(visitErrorText(failure, t));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="signed-record" data-testid="signed-record">
      <RecordContentView content={record.content} showDiagnoses={showDiagnoses} />
      <div className="signature" data-testid="signature">
        <div className="signature__head">
          <SafetyCertificateOutlined aria-hidden /> {t('workstation.record.signature')}
        </div>
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'by', label: t('workstation.record.signedBy'), children: record.doctorName ?? '—' },
            {
              key: 'at',
              label: t('workstation.record.signedAt'),
              children: record.signedAt ? formatDateTime(record.signedAt, i18n.language) : '—',
            },
            {
              key: 'cert',
              label: t('workstation.record.certificate'),
              children: <Long value={record.certificateSerial} />,
            },
            {
              key: 'hash',
              label: t('workstation.record.contentHash'),
              children: <Long value={record.contentHash} />,
            },
            {
              key: 'sig',
              label: t('workstation.record.signatureValue'),
              children: <Long value={record.signature} />,
            },
          ]}
        />
      </div>
      <div className="addenda">
        <div className="record-view__label">{t('workstation.record.addenda')}</div>
        {record.addenda.map((a) => (
          <div key={a.id} className="addendum" data-testid="addendum">
            <div className="addendum__text">{a.text}</div>
            <div className="addendum__meta">
              <SafetyCertificateOutlined aria-hidden /> {formatDateTime(a.signedAt, i18n.language)} ·{' '}
              <Long value={a.contentHash} />
            </div>
          </div>
        ))}
        <Form form={form} onFinish={addAddendum} className="addendum-form">
          <Form.Item
            name="text"
            rules={[{ required: true, whitespace: true, message: t('workstation.record.addendumRequired') }]}
          >
            <Input.TextArea
              autoSize={{ minRows: 2, maxRows: 6 }}
              maxLength={2000}
              placeholder={t('workstation.record.addendumPlaceholder')}
              data-testid="addendum-text"
            />
          </Form.Item>
          <Button htmlType="submit" loading={saving} data-testid="addendum-submit">
            {t('workstation.record.addendumSubmit')}
          </Button>
        </Form>
      </div>
    </div>
  );
}
