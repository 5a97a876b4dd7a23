import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

// Stub: filled in by the [12/12] web work.
export function HomeNursingPage() {
  const { t } = useTranslation();
  return <Typography.Title level={3}>{t('fdStaff.title')}</Typography.Title>;
}
