import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Alert, Form, Input, Modal, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountStatus, AuditEventView, InitialPassword } from '../../../shared/administration.js';
import type { Role } from '../../../shared/identity.js';
import { errorText } from '../../errors.js';
import { formatInstant } from '../supervision/format.js';

/** An instant as the administrators' logs show it, in Beijing time to the second: 2026-11-24 09:03:12. */
export const instant = (iso: string | null | undefined): string => (iso ? formatInstant(iso) : '—');

const STATUS_COLOR: Record<AccountStatus, string> = {
  active: 'success',
  disabled: 'default',
  locked: 'error',
  closed: 'default',
};

export function AccountStatusTag({ status }: { status: AccountStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="account-status" data-status={status}>
      {t(`administration.status.${status}`)}
    </Tag>
  );
}

const ADMIN_ROLE_COLOR: Partial<Record<string, string>> = {
  system_admin: 'geekblue',
  security_admin: 'volcano',
  audit_admin: 'purple',
};

/** A role's name; an unknown one (`system`, the platform itself) as its code. */
export function RoleTag({ role }: { role: string }) {
  const { t, i18n } = useTranslation();
  const key = `roles.${role}`;
  return (
    <Tag color={ADMIN_ROLE_COLOR[role] ?? 'blue'} variant="filled">
      {i18n.exists(key) ? t(key as `roles.${Role}`) : t('administration.systemActor')}
    </Tag>
  );
}

export function OutcomeTag({ outcome }: { outcome: AuditEventView['outcome'] }) {
  const { t } = useTranslation();
  return outcome === 'success' ? (
    <Tag color="success" icon={<CheckCircleFilled aria-hidden />} data-testid="event-outcome">
      {t('administration.outcome.success')}
    </Tag>
  ) : (
    <Tag color="error" icon={<CloseCircleFilled aria-hidden />} data-testid="event-outcome">
      {t('administration.outcome.failure')}
    </Tag>
  );
}

/** An audit action's name where one is known (`admin.account_lock` → 锁定账号), and its code below. */
export function ActionCell({ action }: { action: string }) {
  const { t, i18n } = useTranslation();
  const key = `administration.actions.${action.replaceAll('.', '_')}`;
  const label = i18n.exists(key) ? t(key as 'administration.actions.auth_login') : undefined;
  return (
    <div>
      {label && <div>{label}</div>}
      <Typography.Text code className={label ? 'adm-code adm-code--sub' : 'adm-code'}>
        {action}
      </Typography.Text>
    </div>
  );
}

/** A value of an event's details, in one line. */
function detailText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.join('、');
  }
  return JSON.stringify(value);
}

/** An audit event's details as label/value pairs (the reason first, where there is one). */
export function DetailsList({ details, limit }: { details: Record<string, unknown>; limit?: number }) {
  const { t, i18n } = useTranslation();
  const label = (key: string) => {
    const path = `administration.detailKeys.${key}`;
    return i18n.exists(path) ? t(path as 'administration.detailKeys.reason') : key;
  };
  const entries = Object.entries(details).sort(([a], [b]) => (a === 'reason' ? -1 : b === 'reason' ? 1 : 0));
  const shown = limit === undefined ? entries : entries.slice(0, limit);
  if (shown.length === 0) return <span className="adm-muted">—</span>;
  return (
    <>
      <dl className="adm-details">
        {shown.map(([key, value]) => (
          <div key={key} className="adm-details__row">
            <dt>{label(key)}</dt>
            <dd>{detailText(value)}</dd>
          </div>
        ))}
      </dl>
      {limit !== undefined && entries.length > limit && <div className="adm-details__more">…</div>}
    </>
  );
}

/**
 * Asks for the reason an administrator gives (disable, lock, a second-factor reset): it is kept in the audit
 * event (DJ-8). `onSubmit` throws to keep the dialog open with the server's refusal.
 */
export function ReasonModal({
  open,
  title,
  intro,
  okText,
  danger,
  onSubmit,
  onClose,
  children,
  testId,
}: {
  open: boolean;
  title: string;
  intro?: ReactNode;
  okText: string;
  danger?: boolean;
  onSubmit(reason: string): Promise<void>;
  onClose(): void;
  children?: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  async function submit() {
    let reason: string;
    try {
      reason = (await form.validateFields()).reason.trim();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await onSubmit(reason);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      okButtonProps={{ loading: busy, danger }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      afterClose={() => setFailure(undefined)}
      destroyOnHidden
      data-testid={testId}
    >
      {intro && <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>}
      {children}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label={t('administration.reason')}
          rules={[
            { required: true, whitespace: true, message: t('administration.reasonRequired') },
            { min: 2, message: t('administration.reasonShort') },
          ]}
        >
          <Input.TextArea
            maxLength={200}
            showCount
            autoSize={{ minRows: 2, maxRows: 5 }}
            placeholder={t('administration.reasonPlaceholder')}
            data-testid="reason-input"
          />
        </Form.Item>
      </Form>
      {failure !== undefined && <Alert type="error" showIcon title={errorText(failure, t)} />}
    </Modal>
  );
}

/**
 * A password an administrator set (new account, reset), shown this once (DJ-2): copy it and hand it over;
 * the person must change it at the first login. Nothing keeps it after the dialog closes.
 */
export function InitialPasswordModal({
  result,
  reset,
  onClose,
}: {
  result: InitialPassword | undefined;
  reset: boolean;
  onClose(): void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={result !== undefined}
      title={reset ? t('administration.initial.resetTitle') : t('administration.initial.createdTitle')}
      okText={t('administration.initial.done')}
      onOk={onClose}
      onCancel={onClose}
      cancelButtonProps={{ style: { display: 'none' } }}
      maskClosable={false}
      destroyOnHidden
      data-testid="initial-password-dialog"
    >
      {result && (
        <>
          <dl className="adm-facts">
            <dt>{t('administration.accounts.name')}</dt>
            <dd>{result.account.name}</dd>
            <dt>{t('administration.accounts.phone')}</dt>
            <dd className="adm-num">{result.account.phone}</dd>
            <dt>{t('administration.accounts.roles')}</dt>
            <dd>
              {result.account.roles.map((role) => (
                <RoleTag key={role} role={role} />
              ))}
            </dd>
          </dl>
          <div className="adm-password">
            <span className="adm-password__label">{t('administration.initial.password')}</span>
            <Typography.Text
              className="adm-password__value"
              copyable={{
                text: result.initialPassword,
                tooltips: [t('administration.initial.copy'), t('administration.initial.copied')],
              }}
              data-testid="initial-password"
            >
              {result.initialPassword}
            </Typography.Text>
          </div>
          <Alert type="warning" showIcon title={t('administration.initial.once')} />
        </>
      )}
    </Modal>
  );
}
