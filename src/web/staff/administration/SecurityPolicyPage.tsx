import { Alert, Card, Col, Descriptions, Row, Spin, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SecurityPolicy } from '../../../shared/administration.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import type { Messages } from '../../i18n/zh-CN.js';
import { CardHeading } from '../records/captioned.js';
import './administration.css';

type PolicyKey = keyof Messages['administration']['policy'];

function PolicyCard({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Card
      variant="borderless"
      className="adm-policy-card"
      title={<CardHeading level={3}>{title}</CardHeading>}
      data-testid={testId}
    >
      {children}
    </Card>
  );
}

/**
 * 安全策略 (DJ-2, DJ-6, DJ-7, DJ-17, DJ-19, DJ-30): the numbers in force, read-only — they are settings of
 * the deployment (docs/operations.md), changed by configuration, not from a console.
 */
export function SecurityPolicyPage() {
  const { t } = useTranslation();
  const policy = useApiData<SecurityPolicy>('/admin/security-policy');
  const p = policy.data;
  const row = (label: string, value: ReactNode) => (
    <Descriptions.Item label={label}>
      <span className="adm-policy-value">{value}</span>
    </Descriptions.Item>
  );
  const k = (key: PolicyKey, options?: Record<string, string | number>): string =>
    t(`administration.policy.${key}`, options ?? {});

  return (
    <div className="staff-page" data-testid="security-policy-page">
      <Card
        variant="borderless"
        className="adm-page-head"
        title={<CardHeading>{t('staff.cards.securityPolicy.title')}</CardHeading>}
      >
        <Typography.Paragraph type="secondary" className="adm-flush">
          {k('intro')}
        </Typography.Paragraph>
      </Card>
      {policy.error !== undefined && (
        <Alert type="error" showIcon className="adm-alert" title={errorText(policy.error, t)} />
      )}
      {!p && policy.error === undefined && <Spin className="staff-page__spin" />}
      {p && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <PolicyCard title={k('password')} testId="policy-password">
              <Descriptions column={1} size="small" className="adm-descriptions">
                {row(k('minLength'), k('chars', { count: p.password.minLength }))}
                {row(k('minClasses'), k('classes', { count: p.password.minClasses }))}
                {row(k('maxAgeDays'), k('days', { count: p.password.maxAgeDays }))}
                {row(k('historyCount'), k('times', { count: p.password.historyCount }))}
                {row(
                  k('patientPassword'),
                  k('patientValue', {
                    length: p.password.patientMinLength,
                    classes: p.password.patientMinClasses,
                  }),
                )}
              </Descriptions>
            </PolicyCard>
          </Col>
          <Col xs={24} lg={12}>
            <PolicyCard title={k('login')} testId="policy-login">
              <Descriptions column={1} size="small" className="adm-descriptions">
                {row(k('maxFailures'), k('times', { count: p.login.maxFailures }))}
                {row(k('lockout'), k('minutes', { count: p.login.lockoutMinutes }))}
                {row(k('idle'), k('minutes', { count: p.login.staffIdleTimeoutMinutes }))}
                {row(k('session'), k('hours', { count: p.login.staffSessionHours }))}
              </Descriptions>
            </PolicyCard>
          </Col>
          <Col xs={24} lg={12}>
            <PolicyCard title={k('mfa')} testId="policy-mfa">
              <Descriptions column={1} size="small" className="adm-descriptions">
                {row(k('issuer'), p.mfa.issuer)}
                {row(k('challengeTtl'), k('seconds', { count: p.mfa.challengeTtlSeconds }))}
                {row(
                  k('demoSkip'),
                  p.mfa.demoSkip ? (
                    <Tag color="warning">{k('demoSkipOn')}</Tag>
                  ) : (
                    <Tag>{k('demoSkipOff')}</Tag>
                  ),
                )}
              </Descriptions>
            </PolicyCard>
          </Col>
          <Col xs={24} lg={12}>
            <PolicyCard title={k('consoleRanges')} testId="policy-ranges">
              <Typography.Paragraph type="secondary">{k('consoleRangesDesc')}</Typography.Paragraph>
              <div className="adm-tags">
                {p.consoleRanges.map((range) => (
                  <Tag key={range} className="adm-mono">
                    {range}
                  </Tag>
                ))}
                {(p.consoleRanges.length === 0 ||
                  p.consoleRanges.some((range) => range === '0.0.0.0/0' || range === '::/0')) && (
                  <Tag color="warning">{k('anyAddress')}</Tag>
                )}
              </div>
            </PolicyCard>
          </Col>
          <Col xs={24}>
            <PolicyCard title={k('alerts')} testId="policy-alerts">
              <Descriptions column={{ xs: 1, md: 2 }} size="small" className="adm-descriptions">
                {row(
                  k('bruteForce'),
                  k('bruteForceValue', {
                    count: p.alerts.bruteForceAccounts,
                    minutes: p.alerts.bruteForceWindowMinutes,
                  }),
                )}
                {row(
                  k('enumeration'),
                  k('enumerationValue', {
                    count: p.alerts.enumerationIds,
                    minutes: p.alerts.enumerationWindowMinutes,
                  }),
                )}
                {row(k('exports'), k('perHour', { count: p.alerts.exportsPerHour }))}
                {row(k('bulkReads'), k('bulkReadsValue', { count: p.alerts.bulkReadsPerHour }))}
              </Descriptions>
            </PolicyCard>
          </Col>
        </Row>
      )}
    </div>
  );
}
