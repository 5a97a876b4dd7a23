import { ClockCircleOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Card, Col, Result, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Role } from '../../shared/identity.js';
import { useMe } from '../auth.js';
import { formatLongDate } from '../format.js';
import { FEATURE_ICONS, type FeatureKey, type StaffConsole } from './consoles.js';
import { FEATURE_PAGES } from './features.js';

interface StaffHomeProps {
  console: StaffConsole;
  /** The person's roles that this console serves. */
  roles: Role[];
  features: FeatureKey[];
}

export function StaffHome({ console, roles, features }: StaffHomeProps) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();

  return (
    <div data-testid={`${console}-home`} className="staff-home">
      <Card className="staff-welcome" variant="borderless">
        <div className="staff-welcome__body">
          <div>
            <Typography.Title level={3} className="staff-welcome__title">
              {t('staff.welcome', { name: me.name })}
            </Typography.Title>
            <Typography.Text className="staff-welcome__meta">
              {[roles.map((role) => t(`roles.${role}`)).join(' · '), me.institutionName]
                .filter(Boolean)
                .join('  |  ')}
            </Typography.Text>
          </div>
          <Typography.Text className="staff-welcome__date">
            {t('staff.today', { date: formatLongDate(new Date(), i18n.language) })}
          </Typography.Text>
        </div>
      </Card>

      {features.some((key) => !FEATURE_PAGES[key]) && (
        <Typography.Paragraph type="secondary" className="staff-home__notice">
          {t('staff.platformNotice')}
        </Typography.Paragraph>
      )}

      <Row gutter={[20, 20]}>
        {features.map((key) => (
          <Col key={key} xs={24} sm={12} xl={8}>
            <Card
              hoverable
              className="staff-feature"
              data-testid={`feature-${key}`}
              onClick={() => navigate(key)}
            >
              <div className="staff-feature__head">
                <span className="staff-feature__icon">{FEATURE_ICONS[key]}</span>
                {FEATURE_PAGES[key] ? (
                  <RightOutlined aria-hidden className="staff-feature__open" />
                ) : (
                  <Tag icon={<ClockCircleOutlined aria-hidden />} variant="filled">
                    {t('common.laterRelease')}
                  </Tag>
                )}
              </div>
              <Typography.Title level={5} className="staff-feature__title">
                {t(`staff.cards.${key}.title`)}
              </Typography.Title>
              <Typography.Paragraph type="secondary" className="staff-feature__desc">
                {t(`staff.cards.${key}.desc`)}
              </Typography.Paragraph>
            </Card>
          </Col>
        ))}
      </Row>
    </div>
  );
}

export function StaffComingSoon({ feature, base }: { feature: FeatureKey; base: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Card variant="borderless" className="staff-coming-soon">
      <Result
        icon={<span className="staff-coming-soon__icon">{FEATURE_ICONS[feature]}</span>}
        title={t(`staff.cards.${feature}.title`)}
        subTitle={t('common.comingSoonDesc')}
        extra={
          <Button type="primary" onClick={() => navigate(base)}>
            {t('common.backHome')}
          </Button>
        }
      />
    </Card>
  );
}
