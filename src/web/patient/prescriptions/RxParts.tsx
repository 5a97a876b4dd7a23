import { Button, Tag, Toast } from 'antd-mobile';
import { DownlandOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  FulfilmentStatus,
  PrescriptionItemView,
  PrescriptionStatus,
} from '../../../shared/prescriptions.js';
import { getBlob } from '../../api.js';
import { errorText } from '../../errors.js';
import { dosageText, FULFILMENT_TONE, RX_TONE, rxNumber, unitText } from './rx.js';

export function RxStatusTag({ status }: { status: PrescriptionStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={RX_TONE[status]} className="rx-tag" data-testid="rx-status" data-status={status}>
      {t(`rxPatient.status.${status}`)}
    </Tag>
  );
}

export function FulfilmentStatusTag({ status }: { status: FulfilmentStatus }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={FULFILMENT_TONE[status]}
      fill="outline"
      className="rx-tag"
      data-testid="fulfilment-status"
      data-status={status}
    >
      {t(`rxPatient.fulfilmentStatus.${status}`)}
    </Tag>
  );
}

/** Rp: each drug with its spec and quantity, and how to take it in words. */
export function RxItems({ items }: { items: PrescriptionItemView[] }) {
  const { t } = useTranslation();
  return (
    <ol className="rx-items" data-testid="rx-items">
      {items.map((item) => (
        <li key={item.line} className="rx-item" data-testid="rx-item" data-drug-id={item.drugId}>
          <div className="rx-item__head">
            <span className="rx-item__name">
              {item.genericName}
              {item.brandName && <span className="rx-item__brand">（{item.brandName}）</span>}
            </span>
            <span className="rx-item__qty">
              {t('rxPatient.quantity', {
                quantity: item.quantity,
                unit: unitText(item.packageUnit, t),
              })}
            </span>
          </div>
          <div className="rx-item__spec">{item.spec}</div>
          <div className="rx-item__usage" data-testid="rx-item-usage">
            {dosageText(item, t)}
          </div>
          {item.note && (
            <div className="rx-item__note">{t('rxPatient.detail.note', { note: item.note })}</div>
          )}
        </li>
      ))}
    </ol>
  );
}

/** 处方笺 PDF: fetched with the session's token (a plain link cannot send it), then saved. */
export function PdfButton({ prescriptionId }: { prescriptionId: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    try {
      const url = URL.createObjectURL(await getBlob(`/prescriptions/${prescriptionId}/pdf`));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${t('rxPatient.detail.sheet')}-${rxNumber(prescriptionId)}.pdf`;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button block size="large" fill="outline" loading={busy} onClick={download} data-testid="rx-pdf">
      <DownlandOutline /> {t('rxPatient.detail.pdf')}
    </Button>
  );
}
