import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Result, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditVerifyResult } from '../../../shared/administration.js';
import { get } from '../../api.js';
import { errorText } from '../../errors.js';
import { CardHeading } from '../records/captioned.js';
import { instant } from './parts.js';
import './administration.css';

/**
 * 审计链校验 (DJ-15, DJ-14): recomputes the SM3 chain of the sealed audit events and says it plainly — intact,
 * or the first event whose link does not hold and why. Run on request (it reads the whole chain).
 */
export function AuditVerifyPage() {
  const { t } = useTranslation();
  const [result, setResult] = useState<AuditVerifyResult>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  async function verify() {
    setBusy(true);
    setFailure(undefined);
    try {
      setResult(await get<AuditVerifyResult>('/audit/verify'));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="staff-page" data-testid="audit-verify-page">
      <Card variant="borderless" title={<CardHeading>{t('staff.cards.auditVerify.title')}</CardHeading>}>
        <Typography.Paragraph type="secondary">{t('administration.verify.intro')}</Typography.Paragraph>
        <div className="adm-verify__run">
          <Button
            type="primary"
            size="large"
            icon={<SafetyCertificateOutlined aria-hidden />}
            loading={busy}
            onClick={verify}
            data-testid="audit-verify-run"
          >
            {result ? t('administration.verify.again') : t('administration.verify.run')}
          </Button>
        </div>
        {failure !== undefined && (
          <Alert type="error" showIcon className="adm-alert" title={errorText(failure, t)} />
        )}
        {result && (
          <div data-testid="audit-verify-result" data-ok={result.ok ? 'true' : 'false'}>
            {result.ok ? (
              <Result
                status="success"
                title={t('administration.verify.intact')}
                subTitle={t('administration.verify.intactDesc', { count: result.sealed })}
              />
            ) : (
              <Result
                status="error"
                title={t('administration.verify.broken', { id: result.firstBadEventId ?? '—' })}
                subTitle={result.reason ?? t('administration.verify.brokenDesc')}
              />
            )}
            <Descriptions
              bordered
              size="small"
              column={{ xs: 1, md: 2 }}
              className="adm-descriptions adm-verify__facts"
            >
              <Descriptions.Item label={t('administration.verify.sealed')}>{result.sealed}</Descriptions.Item>
              <Descriptions.Item label={t('administration.verify.unsealed')}>
                {result.unsealed}
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.verify.blocks')}>{result.blocks}</Descriptions.Item>
              <Descriptions.Item label={t('administration.verify.checkedAt')}>
                <span className="adm-num">{instant(result.checkedAt)}</span>
              </Descriptions.Item>
              {!result.ok && (
                <Descriptions.Item label={t('administration.verify.firstBad')} span={2}>
                  <span className="adm-mono" data-testid="audit-verify-first-bad">
                    {result.firstBadEventId ?? '—'}
                  </span>
                </Descriptions.Item>
              )}
            </Descriptions>
            {result.unsealed > 0 && (
              <Typography.Paragraph type="secondary" className="adm-verify__note">
                {t('administration.verify.unsealedNote')}
              </Typography.Paragraph>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
