import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

// Stub: filled in by the [12/12] web work.
export function AssessmentPage() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('fdAdmin.title')}</Typography.Title>;
}
