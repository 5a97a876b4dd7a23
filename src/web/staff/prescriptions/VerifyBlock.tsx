import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Alert, Button, Descriptions, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { VerifyResult } from '../../../shared/prescriptions.js';
import { errorText } from '../../errors.js';

/** The pharmacy checks the doctor's SM2 signature before anything is dispensed (RX-2). */
export function VerifyBlock({
  result,
  error,
  onRetry,
}: {
  result?: VerifyResult;
  error: unknown;
  onRetry(): void;
}) {
  const { t } = useTranslation();
  if (error !== undefined) {
    return (
      <Alert
        type="error"
        showIcon
        title={errorText(error, t)}
        action={
          <Button size="small" onClick={onRetry}>
            {t('rxStaff.circulation.verifyAgain')}
          </Button>
        }
      />
    );
  }
  if (!result) {
    return (
      <Typography.Text type="secondary">
        <Spin size="small" /> {t('rxStaff.circulation.verifying')}
      </Typography.Text>
    );
  }
  return (
    <div className={result.valid ? 'signature' : 'signature signature--invalid'} data-testid="verify-result">
      <div className="signature__head">
        {result.valid ? (
          <>
            <CheckCircleFilled aria-hidden /> {t('rxStaff.circulation.valid')}
          </>
        ) : (
          <span className="rx-invalid">
            <CloseCircleFilled aria-hidden /> {t('rxStaff.circulation.invalid')}
          </span>
        )}
      </div>
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'signer',
            label: t('rxStaff.circulation.signer'),
            children: `${result.signer.name}（${t('rxStaff.circulation.practitionerCode')} ${result.signer.practitionerCode}）`,
          },
          {
            key: 'institution',
            label: t('rxStaff.circulation.institution'),
            children: result.signer.institution,
          },
          {
            key: 'cert',
            label: t('rxStaff.circulation.certificate'),
            children: <span className="rx-mono">{result.certificate.serial}</span>,
          },
          { key: 'issuer', label: t('rxStaff.circulation.issuer'), children: result.certificate.issuer },
          {
            key: 'validity',
            label: t('rxStaff.circulation.certValidity'),
            children: `${result.certificate.validFrom.slice(0, 10)} — ${result.certificate.validTo.slice(0, 10)}`,
          },
          {
            key: 'hash',
            label: t('rxStaff.circulation.hash'),
            children: (
              <Typography.Text className="rx-mono" copyable>
                {result.hash}
              </Typography.Text>
            ),
          },
          ...(result.problems.length > 0
            ? [
                {
                  key: 'problems',
                  label: t('rxStaff.circulation.problems'),
                  children: result.problems.join('；'),
                },
              ]
            : []),
        ]}
      />
      {!result.valid && <Alert type="error" showIcon title={t('rxStaff.circulation.invalidWarning')} />}
    </div>
  );
}
