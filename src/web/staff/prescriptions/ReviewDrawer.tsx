import { CheckOutlined, CloseOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Drawer, Form, Input, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrescriptionView, ReviewBody } from '../../../shared/prescriptions.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { CheckList } from './CheckList.js';
import { ItemLines, ReviewOutcome, SignatureBlock } from './PrescriptionSheet.js';
import { PrescriptionStatusTag } from './tags.js';

/** What the pharmacist checks against (RX-10): who the patient is, their allergies, the diagnoses. */
function PatientFacts({ view }: { view: PrescriptionView }) {
  const { t, i18n } = useTranslation();
  return (
    <Descriptions
      size="small"
      bordered
      column={2}
      className="rx-review__facts"
      items={[
        {
          key: 'patient',
          label: t('rxStaff.sheet.patient'),
          children: (
            <span data-testid="review-patient">
              {view.patientName}（
              {t('rxStaff.sheet.patientAge', {
                sex: t(`patient.sex.${view.patientSex === 'female' ? 'female' : 'male'}`),
                age: Math.floor(view.patientAgeYears),
              })}
              ）
            </span>
          ),
        },
        {
          key: 'weight',
          label: t('rxStaff.sheet.weight'),
          children: view.patientWeightKg ? t('rxStaff.sheet.weightValue', { kg: view.patientWeightKg }) : '—',
        },
        {
          key: 'allergies',
          label: t('rxStaff.sheet.allergies'),
          span: 2,
          children:
            view.allergies.length > 0 ? (
              <span data-testid="review-allergies">
                {view.allergies.map((a) => (
                  <Tag key={a} color="red" icon={<WarningOutlined aria-hidden />}>
                    {a}
                  </Tag>
                ))}
              </span>
            ) : (
              <Typography.Text type="secondary" data-testid="review-allergies">
                {t('rxStaff.sheet.noAllergies')}
              </Typography.Text>
            ),
        },
        {
          key: 'diagnoses',
          label: t('rxStaff.sheet.diagnoses'),
          span: 2,
          children: view.diagnoses.map((d) => (
            <Tag key={d.icd10} variant="filled">
              {d.icd10} {d.name}
            </Tag>
          )),
        },
        {
          key: 'doctor',
          label: t('rxStaff.sheet.doctor'),
          children: view.doctorName,
        },
        {
          key: 'department',
          label: t('rxStaff.sheet.department'),
          children: `${view.institutionName} · ${view.departmentName}`,
        },
        {
          key: 'signed',
          label: t('rxStaff.sheet.signedAt'),
          children: view.signedAt ? formatDateTime(view.signedAt, i18n.language) : '—',
        },
        {
          key: 'valid',
          label: t('rxStaff.sheet.validDays'),
          children: t('rxStaff.sheet.validDaysValue', { count: view.validDays }),
        },
        ...(view.validityReason
          ? [{ key: 'vr', label: t('rxStaff.sheet.validityReason'), span: 2, children: view.validityReason }]
          : []),
        ...(view.longTermReason
          ? [{ key: 'lt', label: t('rxStaff.sheet.longTermReason'), span: 2, children: view.longTermReason }]
          : []),
      ]}
    />
  );
}

/** Approve, or reject with a reason (required: the doctor revises from it). */
function Decision({ view, onDecided }: { view: PrescriptionView; onDecided(id: string): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const [busy, setBusy] = useState<ReviewBody['decision']>();

  async function decide(decision: ReviewBody['decision']) {
    if (decision === 'reject') {
      try {
        await form.validateFields();
      } catch {
        return;
      }
    }
    const reason = form.getFieldValue('reason')?.trim();
    setBusy(decision);
    try {
      await post(`/prescriptions/${view.id}/review`, {
        decision,
        ...(reason ? { reason } : {}),
      } satisfies ReviewBody);
      message.success(t(decision === 'approve' ? 'rxStaff.review.approved' : 'rxStaff.review.rejected'));
      onDecided(view.id);
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <Form form={form} layout="vertical" className="rx-review__decision" data-testid="review-decision">
      <Form.Item
        name="reason"
        label={t('rxStaff.review.reason')}
        rules={[{ required: true, whitespace: true, message: t('rxStaff.review.reasonRequired') }]}
        required={false}
      >
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 5 }}
          maxLength={1000}
          placeholder={t('rxStaff.review.reasonPlaceholder')}
        />
      </Form.Item>
      <Space>
        <Button
          type="primary"
          icon={<CheckOutlined aria-hidden />}
          loading={busy === 'approve'}
          disabled={busy === 'reject'}
          onClick={() => decide('approve')}
          data-testid="review-approve"
        >
          {t('rxStaff.review.approve')}
        </Button>
        <Button
          danger
          autoInsertSpace={false}
          icon={<CloseOutlined aria-hidden />}
          loading={busy === 'reject'}
          disabled={busy === 'approve'}
          onClick={() => decide('reject')}
          data-testid="review-reject"
        >
          {t('rxStaff.review.reject')}
        </Button>
      </Space>
    </Form>
  );
}

function ReviewBodyView({ id, onDecided }: { id: string; onDecided(id: string): void }) {
  const { t } = useTranslation();
  const view = useApiData<PrescriptionView>(`/prescriptions/${id}`);
  if (view.error) return <Alert type="error" title={errorText(view.error, t)} />;
  const v = view.data;
  if (!v) return <Spin className="staff-page__spin" />;
  return (
    <div className="rx-review" data-testid="review-detail">
      <div className="rx-sheet__status">
        <PrescriptionStatusTag status={v.status} />
        <Typography.Text type="secondary">
          {t('rxStaff.panel.version', { version: v.version })}
        </Typography.Text>
      </div>
      <PatientFacts view={v} />
      <Typography.Title level={5} className="rx-review__heading">
        {t('rxStaff.sheet.items')}
      </Typography.Title>
      <ItemLines items={v.items} highlightOverrides />
      <div className="rx-sheet__total">
        {t('rxStaff.sheet.total')} <strong>{formatYuan(v.totalFen)}</strong>
      </div>
      <Typography.Title level={5} className="rx-review__heading">
        {t('rxStaff.checks.precheck')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="rx-review__hint">
        {t('rxStaff.checks.precheckHint')}
      </Typography.Paragraph>
      <CheckList checks={v.checks} label={t('rxStaff.checks.precheck')} />
      <SignatureBlock view={v} />
      {v.status === 'pending_review' ? (
        <Decision view={v} onDecided={onDecided} />
      ) : (
        <>
          <Typography.Text type="secondary">{t('rxStaff.review.decided')}</Typography.Text>
          <ReviewOutcome view={v} />
        </>
      )}
    </div>
  );
}

/**
 * 审方 of one prescription (RX-10): the patient's facts, the lines with any interaction override the
 * doctor wrote highlighted, the automatic pre-check, and the decision.
 */
export function ReviewDrawer({
  id,
  title,
  onClose,
  onDecided,
}: {
  id: string | undefined;
  title: string;
  onClose(): void;
  onDecided(id: string): void;
}) {
  return (
    <Drawer open={id !== undefined} size={720} title={title} onClose={onClose} destroyOnHidden>
      {id && <ReviewBodyView key={id} id={id} onDecided={onDecided} />}
    </Drawer>
  );
}
