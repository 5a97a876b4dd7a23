import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Select, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { formatFullDate } from './format.js';
import { PilotScopeFormModal } from './PilotScopeFormModal.js';
import { PilotStatusTag } from './tags.js';
import { PILOT_STATUSES, type PilotScope, type PilotStatus } from './types.js';
import './oversight.css';

/** 首诊试点 (PILOT-1): the regulator opens online first visits per institution × specialty, and revokes them. */
export function FirstVisitPilotPage() {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const scopes = useApiData<{ items: PilotScope[] }>('/pilot-scopes');
  const [status, setStatus] = useState<PilotStatus>();
  const [creating, setCreating] = useState(false);
  const rows = scopes.data?.items.filter((s) => !status || s.status === status);

  function revoke(scope: PilotScope) {
    modal.confirm({
      title: t('oversight.pilot.revokeTitle'),
      content: t('oversight.pilot.revokeDesc', {
        institution: scope.institutionName,
        specialty: scope.specialty,
      }),
      okText: t('oversight.pilot.revokeConfirm'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await post(`/pilot-scopes/${scope.id}/revoke`);
          message.success(t('oversight.pilot.revoked'));
          scopes.reload();
        } catch (failure) {
          message.error(errorText(failure, t));
        }
      },
    });
  }

  const columns: TableColumnsType<PilotScope> = [
    { title: t('oversight.pilot.institution'), dataIndex: 'institutionName' },
    { title: t('oversight.pilot.specialty'), dataIndex: 'specialty' },
    {
      title: t('oversight.pilot.period'),
      key: 'period',
      render: (_, s) => (
        <span className="nowrap">
          {formatFullDate(s.startsOn, i18n.language)} – {formatFullDate(s.endsOn, i18n.language)}
        </span>
      ),
    },
    {
      title: t('oversight.pilot.status'),
      key: 'status',
      render: (_, s) => (
        <span className="pilot-status">
          <PilotStatusTag status={s.status} />
          {s.revokedAt && (
            <Typography.Text type="secondary" className="pilot-status__note">
              {t('oversight.pilot.revokedAt', { time: formatDateTime(s.revokedAt, i18n.language) })}
            </Typography.Text>
          )}
        </span>
      ),
    },
    {
      title: t('oversight.pilot.actions'),
      key: 'actions',
      width: 96,
      render: (_, s) =>
        s.status === 'revoked' || s.status === 'ended' ? null : (
          <Button type="link" size="small" danger onClick={() => revoke(s)} data-testid="pilot-revoke">
            {t('oversight.pilot.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <div className="staff-page" data-testid="pilot-page">
      <Card variant="borderless" title={t('staff.cards.firstVisitPilot.title')}>
        <Typography.Paragraph type="secondary">{t('oversight.pilot.intro')}</Typography.Paragraph>
        <div className="oversight-toolbar">
          <Select<PilotStatus>
            className="oversight-toolbar__select"
            allowClear
            placeholder={t('oversight.pilot.filterStatus')}
            value={status}
            onChange={setStatus}
            options={PILOT_STATUSES.map((s) => ({ value: s, label: t(`oversight.pilot.statusLabel.${s}`) }))}
            data-testid="pilot-status-filter"
          />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            className="oversight-toolbar__end"
            onClick={() => setCreating(true)}
            data-testid="pilot-create"
          >
            {t('oversight.pilot.create')}
          </Button>
        </div>
        <Table<PilotScope>
          rowKey="id"
          size="middle"
          pagination={false}
          loading={scopes.data === undefined && scopes.error === undefined}
          dataSource={rows}
          columns={columns}
          onRow={rowTestId('pilot-row')}
          scroll={{ x: 820 }}
          locale={{ emptyText: scopes.error ? errorText(scopes.error, t) : t('oversight.pilot.empty') }}
        />
      </Card>
      <PilotScopeFormModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          setStatus(undefined);
          scopes.reload();
        }}
      />
    </div>
  );
}
