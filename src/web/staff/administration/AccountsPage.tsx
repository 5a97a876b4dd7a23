import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Input,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AccountStatus,
  type AdminAccount,
  type AdminAccountPage,
  type InitialPassword,
  StaffRole,
} from '../../../shared/administration.js';
import { ADMIN_ROLES, type Role } from '../../../shared/identity.js';
import { get, post, put } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { CreateAccountDrawer } from './CreateAccountDrawer.js';
import { AccountStatusTag, InitialPasswordModal, instant, ReasonModal, RoleTag } from './parts.js';
import './administration.css';

type Mode = 'system' | 'security';
const STATUSES: AccountStatus[] = ['active', 'locked', 'disabled', 'closed'];
const STAFF_ROLES = StaffRole.enum as readonly Role[];

interface Filters {
  q?: string;
  role?: Role;
  status?: AccountStatus;
}

function accountsPath(filters: Filters, cursor?: string): string {
  const params = new URLSearchParams({ limit: '20' });
  if (filters.q) params.set('q', filters.q);
  if (filters.role) params.set('role', filters.role);
  if (filters.status) params.set('status', filters.status);
  if (cursor) params.set('cursor', cursor);
  return `/admin/accounts?${params}`;
}

/** What a row's action dialog is doing. */
type Pending =
  | { kind: 'disable' | 'lock' | 'secondFactor'; account: AdminAccount }
  | { kind: 'roles'; account: AdminAccount };

/** 账号管理 (/system/accounts, DJ-8): the system administrator creates staff accounts, resets passwords, disables. */
export function SystemAccountsPage() {
  return <AccountsPage mode="system" />;
}

/** 账号与权限 (/security/accountControl, DJ-8): the security administrator's roles, locks, second factors. */
export function SecurityAccountsPage() {
  return <AccountsPage mode="security" />;
}

function AccountsPage({ mode }: { mode: Mode }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const me = useMe();
  const [filters, setFilters] = useState<Filters>({});
  const [typed, setTyped] = useState('');
  const first = useApiData<AdminAccountPage>(accountsPath(filters));
  const [more, setMore] = useState<AdminAccountPage[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [creating, setCreating] = useState(false);
  const [password, setPassword] = useState<{ result: InitialPassword; reset: boolean }>();
  const [pending, setPending] = useState<Pending>();
  const components = useTableCaption(t(`administration.accounts.caption.${mode}`));

  const pages = first.data ? [first.data, ...more] : [];
  const accounts = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  function filter(next: Filters) {
    setMore([]);
    setFilters(next);
  }

  function reload() {
    setMore([]);
    first.reload();
  }

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const next = await get<AdminAccountPage>(accountsPath(filters, cursor));
      setMore((loaded) => [...loaded, next]);
    } catch (error) {
      message.error(errorText(error, t));
    } finally {
      setLoadingMore(false);
    }
  }

  function confirmThen(
    title: string,
    content: string,
    okText: string,
    run: () => Promise<void>,
    danger = false,
  ) {
    modal.confirm({
      title,
      content,
      okText,
      okButtonProps: { danger },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await run();
        } catch (error) {
          message.error(errorText(error, t));
        }
      },
    });
  }

  function resetPassword(account: AdminAccount) {
    confirmThen(
      t('administration.accounts.resetTitle', { name: account.name }),
      t('administration.accounts.resetDesc'),
      t('administration.accounts.resetConfirm'),
      async () => {
        const result = await post<InitialPassword>(`/admin/accounts/${account.id}/password-reset`);
        setPassword({ result, reset: true });
        reload();
      },
    );
  }

  function enable(account: AdminAccount) {
    confirmThen(
      t('administration.accounts.enableTitle', { name: account.name }),
      t('administration.accounts.enableDesc'),
      t('administration.accounts.enable'),
      async () => {
        await post(`/admin/accounts/${account.id}/enable`);
        message.success(t('administration.accounts.enabled'));
        reload();
      },
    );
  }

  function unlock(account: AdminAccount) {
    confirmThen(
      t('administration.accounts.unlockTitle', { name: account.name }),
      t('administration.accounts.unlockDesc'),
      t('administration.accounts.unlock'),
      async () => {
        await post(`/admin/accounts/${account.id}/unlock`);
        message.success(t('administration.accounts.unlocked'));
        reload();
      },
    );
  }

  function systemActions(account: AdminAccount) {
    const self = account.id === me.id;
    return (
      <Space size={0} wrap className="adm-row-actions">
        <Button
          type="link"
          size="small"
          disabled={self}
          onClick={() => resetPassword(account)}
          data-testid="account-reset-password"
        >
          {t('administration.accounts.resetPassword')}
        </Button>
        {account.status === 'disabled' ? (
          <Button type="link" size="small" onClick={() => enable(account)} data-testid="account-enable">
            {t('administration.accounts.enable')}
          </Button>
        ) : (
          <Button
            type="link"
            size="small"
            danger
            disabled={self || account.status === 'locked'}
            onClick={() => setPending({ kind: 'disable', account })}
            data-testid="account-disable"
          >
            {t('administration.accounts.disable')}
          </Button>
        )}
      </Space>
    );
  }

  function securityActions(account: AdminAccount) {
    const self = account.id === me.id;
    return (
      <Space size={0} wrap className="adm-row-actions">
        <Button
          type="link"
          size="small"
          disabled={self}
          onClick={() => setPending({ kind: 'roles', account })}
          data-testid="account-roles"
        >
          {t('administration.accounts.changeRoles')}
        </Button>
        {account.status === 'locked' ? (
          <Button type="link" size="small" onClick={() => unlock(account)} data-testid="account-unlock">
            {t('administration.accounts.unlock')}
          </Button>
        ) : (
          <Button
            type="link"
            size="small"
            danger
            disabled={self || account.status === 'disabled'}
            onClick={() => setPending({ kind: 'lock', account })}
            data-testid="account-lock"
          >
            {t('administration.accounts.lock')}
          </Button>
        )}
        <Button
          type="link"
          size="small"
          disabled={self}
          onClick={() => setPending({ kind: 'secondFactor', account })}
          data-testid="account-second-factor"
        >
          {t('administration.accounts.resetSecondFactor')}
        </Button>
      </Space>
    );
  }

  const columns: TableColumnsType<AdminAccount> = [
    {
      title: t('administration.accounts.name'),
      key: 'name',
      width: 130,
      render: (_, a) => (
        <div>
          <Typography.Text strong data-testid="account-name">
            {a.name}
          </Typography.Text>
          {a.id === me.id && <div className="adm-sub">{t('administration.accounts.self')}</div>}
        </div>
      ),
    },
    {
      title: t('administration.accounts.phone'),
      key: 'phone',
      width: 120,
      render: (_, a) => <span className="adm-num nowrap">{a.phone}</span>,
    },
    {
      title: t('administration.accounts.roles'),
      key: 'roles',
      render: (_, a) => (
        <div className="adm-tags">
          {a.roles.map((role) => (
            <RoleTag key={role} role={role} />
          ))}
        </div>
      ),
    },
    {
      title: t('administration.accounts.institution'),
      key: 'institution',
      render: (_, a) => a.institutionName ?? <span className="adm-muted">—</span>,
    },
    {
      title: t('administration.accounts.status'),
      key: 'status',
      width: 110,
      render: (_, a) => (
        <div>
          <AccountStatusTag status={a.status} />
          {a.passwordChangeRequired && (
            <div className="adm-sub">{t('administration.accounts.mustChange')}</div>
          )}
        </div>
      ),
    },
    {
      title: t('administration.accounts.lastLogin'),
      key: 'lastLogin',
      width: 150,
      render: (_, a) =>
        a.lastLoginAt ? (
          <span className="adm-num nowrap">{instant(a.lastLoginAt)}</span>
        ) : (
          <span className="adm-muted">{t('administration.accounts.never')}</span>
        ),
    },
    {
      title: t('administration.accounts.actions'),
      key: 'actions',
      width: mode === 'system' ? 150 : 230,
      render: (_, a) => (mode === 'system' ? systemActions(a) : securityActions(a)),
    },
  ];

  const pendingAccount = pending?.account;
  return (
    <div className="staff-page" data-testid={`accounts-page-${mode}`}>
      <Card
        variant="borderless"
        title={
          <CardHeading>
            {t(mode === 'system' ? 'staff.cards.accounts.title' : 'staff.cards.accountControl.title')}
          </CardHeading>
        }
        extra={
          <Space>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={reload}>
              {t('administration.refresh')}
            </Button>
            {mode === 'system' && (
              <Button
                type="primary"
                icon={<PlusOutlined aria-hidden />}
                onClick={() => setCreating(true)}
                data-testid="account-create"
              >
                {t('administration.accounts.create')}
              </Button>
            )}
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">
          {t(`administration.accounts.intro.${mode}`)}
        </Typography.Paragraph>
        <div className="adm-toolbar">
          <Input.Search
            className="adm-toolbar__search"
            allowClear
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            onSearch={(value) => filter({ ...filters, q: value.trim() || undefined })}
            placeholder={t('administration.accounts.searchPlaceholder')}
            aria-label={t('administration.accounts.search')}
            enterButton={t('administration.search')}
            data-testid="account-search"
          />
          <Select<Role>
            className="adm-toolbar__select"
            allowClear
            value={filters.role}
            onChange={(role) => filter({ ...filters, role })}
            placeholder={t('administration.accounts.anyRole')}
            aria-label={t('administration.accounts.roleFilter')}
            options={STAFF_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
          />
          <Select<AccountStatus>
            className="adm-toolbar__select"
            allowClear
            value={filters.status}
            onChange={(status) => filter({ ...filters, status })}
            placeholder={t('administration.accounts.anyStatus')}
            aria-label={t('administration.accounts.statusFilter')}
            options={STATUSES.map((status) => ({
              value: status,
              label: t(`administration.status.${status}`),
            }))}
          />
        </div>
        {first.error !== undefined && (
          <Alert type="error" showIcon className="adm-alert" title={errorText(first.error, t)} />
        )}
        <Table<AdminAccount>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={accounts}
          components={components}
          loading={first.data === undefined && first.error === undefined}
          pagination={false}
          scroll={{ x: 960 }}
          onRow={rowTestId('account-row')}
          locale={{ emptyText: t('administration.accounts.empty') }}
        />
        {cursor && (
          <div className="adm-more">
            <Button onClick={loadMore} loading={loadingMore}>
              {t('administration.loadMore')}
            </Button>
          </div>
        )}
      </Card>

      {mode === 'system' && (
        <CreateAccountDrawer
          open={creating}
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setPassword({ result, reset: false });
            reload();
          }}
        />
      )}
      <InitialPasswordModal
        result={password?.result}
        reset={password?.reset ?? false}
        onClose={() => setPassword(undefined)}
      />
      <ReasonModal
        open={pending?.kind === 'disable'}
        title={t('administration.accounts.disableTitle', { name: pendingAccount?.name })}
        intro={t('administration.accounts.disableDesc')}
        okText={t('administration.accounts.disable')}
        danger
        onClose={() => setPending(undefined)}
        onSubmit={async (reason) => {
          await post(`/admin/accounts/${pendingAccount?.id}/disable`, { reason });
          message.success(t('administration.accounts.disabled'));
          setPending(undefined);
          reload();
        }}
      />
      <ReasonModal
        open={pending?.kind === 'lock'}
        title={t('administration.accounts.lockTitle', { name: pendingAccount?.name })}
        intro={t('administration.accounts.lockDesc')}
        okText={t('administration.accounts.lock')}
        danger
        onClose={() => setPending(undefined)}
        onSubmit={async (reason) => {
          await post(`/admin/accounts/${pendingAccount?.id}/lock`, { reason });
          message.success(t('administration.accounts.locked'));
          setPending(undefined);
          reload();
        }}
      />
      <ReasonModal
        open={pending?.kind === 'secondFactor'}
        title={t('administration.accounts.secondFactorTitle', { name: pendingAccount?.name })}
        intro={t('administration.accounts.secondFactorDesc')}
        okText={t('administration.accounts.resetSecondFactor')}
        danger
        onClose={() => setPending(undefined)}
        onSubmit={async (reason) => {
          await post(`/admin/accounts/${pendingAccount?.id}/second-factor-reset`, { reason });
          message.success(t('administration.accounts.secondFactorReset'));
          setPending(undefined);
          reload();
        }}
      />
      <RolesModal
        account={pending?.kind === 'roles' ? pending.account : undefined}
        onClose={() => setPending(undefined)}
        onDone={() => {
          setPending(undefined);
          message.success(t('administration.accounts.rolesChanged'));
          reload();
        }}
      />
    </div>
  );
}

/**
 * 调整角色: the security administrator sets an account's roles (never its own; one administrator role at
 * most — the three are exclusive, DJ-8). The server has the last word; its refusal is shown in the dialog.
 */
function RolesModal({
  account,
  onClose,
  onDone,
}: {
  account: AdminAccount | undefined;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const [roles, setRoles] = useState<Role[]>([]);
  const [opened, setOpened] = useState<string>();
  if (account && opened !== account.id) {
    setOpened(account.id);
    setRoles(account.roles);
  }
  const adminRoles = roles.filter((r) => (ADMIN_ROLES as readonly string[]).includes(r));
  return (
    <ReasonModal
      open={account !== undefined}
      title={t('administration.accounts.rolesTitle', { name: account?.name })}
      intro={t('administration.accounts.rolesDesc')}
      okText={t('administration.accounts.saveRoles')}
      onClose={() => {
        setOpened(undefined);
        onClose();
      }}
      onSubmit={async (reason) => {
        if (!account) return;
        await put(`/admin/accounts/${account.id}/roles`, { roles, reason });
        setOpened(undefined);
        onDone();
      }}
    >
      <fieldset className="adm-roles">
        <legend className="adm-roles__legend">{t('administration.accounts.roles')}</legend>
        <Checkbox.Group<Role>
          value={roles}
          onChange={(next) => setRoles(next)}
          options={STAFF_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
          className="adm-roles__group"
        />
      </fieldset>
      {adminRoles.length > 1 && (
        <Alert
          type="warning"
          showIcon
          className="adm-alert"
          title={t('administration.accounts.exclusiveHint')}
        />
      )}
      {roles.length === 0 && (
        <Alert type="info" showIcon className="adm-alert" title={t('administration.accounts.oneRole')} />
      )}
    </ReasonModal>
  );
}
