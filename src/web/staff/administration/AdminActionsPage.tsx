import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminActionPage, AdminRole } from '../../../shared/administration.js';
import { ADMIN_ROLES } from '../../../shared/identity.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading } from '../records/captioned.js';
import { EventsTable } from './EventsTable.js';
import './administration.css';

function actionsPath(role: AdminRole | undefined, before?: string): string {
  const params = new URLSearchParams({ limit: '50' });
  if (role) params.set('role', role);
  if (before) params.set('before', before);
  return `/admin/actions?${params}`;
}

/**
 * 管理员操作记录 (DJ-8 三权分立): every action of the three administrators — each sees the other two's and
 * its own — newest first, in all three consoles. Reading the list is itself one more audited action.
 */
export function AdminActionsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [role, setRole] = useState<AdminRole>();
  const first = useApiData<AdminActionPage>(actionsPath(role));
  const [more, setMore] = useState<AdminActionPage[]>([]);
  const [loading, setLoading] = useState(false);
  const pages = first.data ? [first.data, ...more] : [];
  const events = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<AdminActionPage>(actionsPath(role, cursor));
      setMore((loaded) => [...loaded, next]);
    } catch (error) {
      message.error(errorText(error, t));
    } finally {
      setLoading(false);
    }
  }

  return (
    <div className="staff-page" data-testid="admin-actions-page">
      <Card
        variant="borderless"
        title={<CardHeading>{t('staff.cards.adminActions.title')}</CardHeading>}
        extra={
          <Button
            icon={<ReloadOutlined aria-hidden />}
            onClick={() => {
              setMore([]);
              first.reload();
            }}
          >
            {t('administration.refresh')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('administration.adminActions.intro')}</Typography.Paragraph>
        <div className="adm-toolbar">
          <Select<AdminRole>
            className="adm-toolbar__select"
            allowClear
            value={role}
            onChange={(next) => {
              setMore([]);
              setRole(next);
            }}
            placeholder={t('administration.adminActions.anyAdmin')}
            aria-label={t('administration.adminActions.roleFilter')}
            options={ADMIN_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
            data-testid="admin-actions-role"
          />
        </div>
        {first.error !== undefined && (
          <Alert type="error" showIcon className="adm-alert" title={errorText(first.error, t)} />
        )}
        <EventsTable
          events={events}
          loading={first.data === undefined && first.error === undefined}
          caption={t('administration.adminActions.caption')}
          emptyText={t('administration.adminActions.empty')}
        />
        {cursor && (
          <div className="adm-more">
            <Button onClick={loadMore} loading={loading}>
              {t('administration.loadMore')}
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
