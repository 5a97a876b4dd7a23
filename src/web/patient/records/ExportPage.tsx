import { Button, Toast } from 'antd-mobile';
import { DownlandOutline, FileOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getBlob } from '../../api.js';
import { errorText } from '../../errors.js';
import { PageHeader } from '../PageHeader.js';
import { PatientNote } from './RecordsParts.js';
import { exportFileName, withPatient } from './records.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

type Format = 'pdf' | 'fhir';

/** Saves bytes under a file name: the API is called with the bearer token, so a plain link cannot. */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** 导出: my records as a PDF summary and as a FHIR R4 Bundle (JSON) — 个人信息可携带. */
export function ExportPage() {
  const { t } = useTranslation();
  const patient = useRecordsPatient();
  const [busy, setBusy] = useState<Format | null>(null);

  async function download(format: Format) {
    if (!patient.patientId) return;
    setBusy(format);
    try {
      const blob = await getBlob(`/patients/${patient.patientId}/export?format=${format}`);
      save(blob, exportFileName(t('recordsPatient.export.filePrefix'), patient.name, new Date(), format));
      Toast.show({ icon: 'success', content: t('recordsPatient.export.saved') });
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="patient-page records-page" data-testid="records-export">
      <PageHeader
        title={t('recordsPatient.titles.export')}
        back={withPatient('/patient/records', patient.chosen)}
      />
      <PatientNote patient={patient} />
      <section className="booking-card" aria-labelledby="export-why">
        <h2 className="booking-card__title" id="export-why">
          {t('recordsPatient.export.portability')}
        </h2>
        <p className="records-text">{t('recordsPatient.export.intro')}</p>
      </section>
      <section className="booking-card records-export" aria-labelledby="export-pdf-title">
        <h2 className="booking-card__title" id="export-pdf-title">
          <FileOutline aria-hidden /> {t('recordsPatient.export.pdfTitle')}
        </h2>
        <p className="records-muted">{t('recordsPatient.export.pdfDesc')}</p>
        <Button
          block
          color="primary"
          size="large"
          loading={busy === 'pdf'}
          disabled={busy !== null || !patient.patientId}
          onClick={() => download('pdf')}
          data-testid="export-pdf"
        >
          <DownlandOutline aria-hidden /> {t('recordsPatient.export.pdf')}
        </Button>
      </section>
      <section className="booking-card records-export" aria-labelledby="export-fhir-title">
        <h2 className="booking-card__title" id="export-fhir-title">
          <FileOutline aria-hidden /> {t('recordsPatient.export.fhirTitle')}
        </h2>
        <p className="records-muted">{t('recordsPatient.export.fhirDesc')}</p>
        <Button
          block
          fill="outline"
          color="primary"
          size="large"
          loading={busy === 'fhir'}
          disabled={busy !== null || !patient.patientId}
          onClick={() => download('fhir')}
          data-testid="export-fhir"
        >
          <DownlandOutline aria-hidden /> {t('recordsPatient.export.fhir')}
        </Button>
      </section>
      <p className="patient-page__footnote">{t('recordsPatient.export.privacy')}</p>
    </div>
  );
}
