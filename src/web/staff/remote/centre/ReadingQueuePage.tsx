import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

// Stub: filled in by the [11/12] web work.
export function ReadingQueuePage() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('remoteCentre.title')}</Typography.Title>;
}
