import { Button, Result } from 'antd-mobile';
import { ClockCircleOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { isServiceKey } from './HomePage.js';
import { PageHeader } from './PageHeader.js';

/** The friendly stop for home entries whose feature arrives in a later release. */
export function ComingSoonPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { feature } = useParams();
  const name = isServiceKey(feature) ? t(`patient.home.${feature}`) : t('common.comingSoon');

  return (
    <div className="patient-page" data-testid="coming-soon">
      <PageHeader title={name} back="/patient" />
      <Result
        className="patient-result"
        icon={<ClockCircleOutline className="patient-result__icon" />}
        status="waiting"
        title={t('patient.comingSoon.title')}
        description={t('patient.comingSoon.desc', { name })}
      />
      <div className="patient-page__actions">
        <Button block color="primary" size="large" onClick={() => navigate('/patient')}>
          {t('common.backHome')}
        </Button>
      </div>
    </div>
  );
}
