import { AlertOutlined, LockOutlined } from '@ant-design/icons';
import { Alert, Button, Typography } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BreakGlassModal } from './BreakGlassModal.js';

/**
 * The refusal (403 NO_CARE_RELATIONSHIP, SEC-1) explained: why the archive is closed, what opens it (the
 * patient's authorisation in the app), and, for an emergency, 紧急调阅 with a written reason.
 */
export function CareRefusal({ patientId, onOpened }: { patientId: string; onOpened(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <section className="rec-refusal" aria-labelledby={id} data-testid="care-refusal">
      <LockOutlined className="rec-refusal__icon" aria-hidden="true" />
      <Typography.Title level={3} id={id} className="rec-refusal__title">
        {t('recordsStaff.refusal.title')}
      </Typography.Title>
      <Typography.Paragraph className="rec-refusal__text">
        {t('recordsStaff.refusal.why')}
      </Typography.Paragraph>
      <Typography.Paragraph className="rec-refusal__text" strong>
        {t('recordsStaff.refusal.what')}
      </Typography.Paragraph>
      <Alert
        type="warning"
        showIcon
        className="rec-refusal__emergency"
        title={t('recordsStaff.refusal.emergency')}
      />
      <Button
        danger
        icon={<AlertOutlined aria-hidden />}
        onClick={() => setOpen(true)}
        data-testid="break-glass-open"
      >
        {t('recordsStaff.refusal.breakGlass')}
      </Button>
      <BreakGlassModal
        patientId={patientId}
        open={open}
        onClose={() => setOpen(false)}
        onDone={() => {
          setOpen(false);
          onOpened();
        }}
      />
    </section>
  );
}
