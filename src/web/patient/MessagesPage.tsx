import { ErrorBlock } from 'antd-mobile';
import { useTranslation } from 'react-i18next';

export function MessagesPage() {
  const { t } = useTranslation();
  return (
    <div className="patient-page" data-testid="patient-messages">
      <h1 className="patient-page__title">{t('patient.messages.title')}</h1>
      <ErrorBlock
        className="patient-empty"
        status="empty"
        title={t('patient.messages.empty')}
        description={t('patient.messages.emptyDesc')}
      />
    </div>
  );
}
