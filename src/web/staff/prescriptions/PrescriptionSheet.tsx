import { FilePdfOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrescriptionItemView, PrescriptionView } from '../../../shared/prescriptions.js';
import { getBlob } from '../../api.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { usageText } from './labels.js';
import { InsuranceTag, PrescriptionStatusTag } from './tags.js';

/** Opens the printable prescription (PDF) in a new tab: the API needs the bearer token, a link cannot. */
export function PdfButton({ prescriptionId }: { prescriptionId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [loading, setLoading] = useState(false);
  async function open() {
    setLoading(true);
    try {
      const blob = await getBlob(`/prescriptions/${prescriptionId}/pdf`);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.target = '_blank';
      link.rel = 'noopener';
      link.click();
      // The new tab has loaded it by then.
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (failure) {
      message.error(`${t('rxStaff.sheet.pdfFailed')}：${errorText(failure, t)}`);
    } finally {
      setLoading(false);
    }
  }
  return (
    <Button
      icon={<FilePdfOutlined aria-hidden />}
      onClick={open}
      loading={loading}
      data-testid="prescription-pdf"
    >
      {t('rxStaff.sheet.pdf')}
    </Button>
  );
}

/** The lines of a prescription: drug and spec, quantity, usage, note and any interaction override. */
export function ItemLines({
  items,
  highlightOverrides = false,
}: {
  items: readonly PrescriptionItemView[];
  highlightOverrides?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <ol className="rx-lines" aria-label={t('rxStaff.sheet.items')}>
      {items.map((item) => (
        <li key={item.line} className="rx-line" data-testid="prescription-line">
          <div className="rx-line__head">
            <span className="rx-line__name">
              {item.genericName}
              {item.brandName && <span className="visit-muted">（{item.brandName}）</span>}
            </span>
            <span className="visit-muted">{item.spec}</span>
            <span className="rx-line__qty">
              {t('rxStaff.sheet.quantity', { count: item.quantity, unit: item.packageUnit })}
            </span>
          </div>
          <div className="rx-line__meta">
            <span>{usageText(t, item)}</span>
            <span className="rx-line__price">
              {formatYuan(item.unitPriceFen)} <InsuranceTag category={item.insuranceCategory} />
            </span>
          </div>
          {item.note && <div className="rx-line__note">{t('rxStaff.sheet.note', { note: item.note })}</div>}
          {item.interactionOverrideReason && (
            <div
              className={
                highlightOverrides ? 'rx-line__override rx-line__override--strong' : 'rx-line__override'
              }
              data-testid="override-reason"
            >
              {t('rxStaff.sheet.override', { reason: item.interactionOverrideReason })}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

/** Where the prescription stands with the pharmacist (RX-10): waiting, approved, or rejected and why. */
export function ReviewOutcome({ view }: { view: PrescriptionView }) {
  const { t } = useTranslation();
  if (view.review?.decision === 'reject') {
    return (
      <Alert
        type="error"
        showIcon
        data-testid="review-outcome"
        title={t('rxStaff.sheet.rejectedBy', {
          name: view.review.pharmacistName,
          reason: view.review.reason ?? '',
        })}
      />
    );
  }
  if (view.review?.decision === 'approve') {
    return (
      <Alert
        type="success"
        showIcon
        data-testid="review-outcome"
        title={t('rxStaff.sheet.approvedBy', { name: view.review.pharmacistName })}
        description={view.review.reason ?? undefined}
      />
    );
  }
  if (view.status === 'pending_review') {
    return <Alert type="info" showIcon data-testid="review-outcome" title={t('rxStaff.sheet.pending')} />;
  }
  return null;
}

/** RX-2: the SM2 signature the prescription carries — SM3 hash, certificate serial, signature value. */
export function SignatureBlock({ view }: { view: PrescriptionView }) {
  const { t, i18n } = useTranslation();
  if (!view.signedAt) return null;
  return (
    <div className="signature" data-testid="prescription-signature">
      <div className="signature__head">
        <SafetyCertificateOutlined aria-hidden /> {t('rxStaff.sheet.signature')} · {view.doctorName}
      </div>
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'at',
            label: t('rxStaff.sheet.signedAt'),
            children: formatDateTime(view.signedAt, i18n.language),
          },
          {
            key: 'hash',
            label: t('rxStaff.sheet.hash'),
            children: (
              <Typography.Text code copyable className="rx-mono" data-testid="prescription-hash">
                {view.contentHash ?? ''}
              </Typography.Text>
            ),
          },
          {
            key: 'serial',
            label: t('rxStaff.sheet.certificate'),
            children: (
              <Typography.Text className="rx-mono" data-testid="prescription-cert">
                {view.certificateSerial ?? ''}
              </Typography.Text>
            ),
          },
          {
            key: 'signature',
            label: t('rxStaff.sheet.signatureValue'),
            children: (
              <Typography.Text className="rx-mono" ellipsis={{ tooltip: view.signature }} copyable>
                {view.signature ?? ''}
              </Typography.Text>
            ),
          },
        ]}
      />
    </div>
  );
}

/**
 * A signed (or otherwise no longer editable) prescription, read-only: status and validity, diagnoses,
 * the lines and their total, the reasons the doctor gave.
 */
export function PrescriptionSheet({ view }: { view: PrescriptionView }) {
  const { t, i18n } = useTranslation();
  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : '—');
  return (
    <div className="rx-sheet" data-testid="prescription-sheet">
      <div className="rx-sheet__status">
        <PrescriptionStatusTag status={view.status} />
        <Typography.Text type="secondary">
          {t('rxStaff.panel.version', { version: view.version })}
        </Typography.Text>
        {view.replacedById && <Tag>{t('rxStaff.sheet.replacedBy')}</Tag>}
      </div>
      <Descriptions
        size="small"
        column={2}
        className="rx-sheet__facts"
        items={[
          { key: 'created', label: t('rxStaff.sheet.createdAt'), children: when(view.createdAt) },
          { key: 'signed', label: t('rxStaff.sheet.signedAt'), children: when(view.signedAt) },
          {
            key: 'valid',
            label: t('rxStaff.sheet.validDays'),
            children: t('rxStaff.sheet.validDaysValue', { count: view.validDays }),
          },
          { key: 'until', label: t('rxStaff.sheet.validUntil'), children: when(view.validUntil) },
          {
            key: 'diagnoses',
            label: t('rxStaff.sheet.diagnoses'),
            span: 2,
            children: (
              <span className="rx-diagnoses">
                {view.diagnoses.map((d) => (
                  <Tag key={d.icd10} variant="filled">
                    {d.icd10} {d.name}
                  </Tag>
                ))}
              </span>
            ),
          },
          ...(view.validityReason
            ? [
                {
                  key: 'vr',
                  label: t('rxStaff.sheet.validityReason'),
                  span: 2,
                  children: view.validityReason,
                },
              ]
            : []),
          ...(view.longTermReason
            ? [
                {
                  key: 'lt',
                  label: t('rxStaff.sheet.longTermReason'),
                  span: 2,
                  children: view.longTermReason,
                },
              ]
            : []),
        ]}
      />
      <ItemLines items={view.items} />
      <div className="rx-sheet__total">
        {t('rxStaff.sheet.total')}{' '}
        <strong data-testid="prescription-total">{formatYuan(view.totalFen)}</strong>
      </div>
    </div>
  );
}
