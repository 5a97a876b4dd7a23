import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Select, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PILOT_STATUSES, type PilotScopeView, type PilotStatus } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { formatFullDate } from './format.js';
import { PilotScopeFormModal } from './PilotScopeFormModal.js';
import { PilotStatusTag } from './tags.js';
import './supervision.css';

/** 首诊试点 (PILOT-1): the regulator opens online first visits per institution × specialty, and revokes them. */
export function FirstVisitPilotPage() {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const scopes = useApiData<{ items: PilotScopeView[] }>('/pilot-scopes');
  const [status, setStatus] = useState<PilotStatus>();
  const [creating, setCreating] = useState(false);
  const rows = scopes.data?.items.filter((s) => !status || s.status === status);

  function revoke(scope: PilotScopeView) {
    modal.confirm({
      title: t('supervision.pilot.revokeTitle'),
      content: t('supervision.pilot.revokeDesc', {
        institution: scope.institutionName,
        specialty: scope.specialty,
      }),
      okText: t('supervision.pilot.revokeConfirm'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await post(`/pilot-scopes/${scope.id}/revoke`);
          message.success(t('supervision.pilot.revoked'));
          scopes.reload();
        } catch (failure) {
          message.error(errorText(failure, t));
        }
      },
    });
  }

  const columns: TableColumnsType<PilotScopeView> = [
    { title: t('supervision.pilot.institution'), dataIndex: 'institutionName' },
    { title: t('supervision.pilot.specialty'), dataIndex: 'specialty' },
    {
      title: t('supervision.pilot.period'),
      key: 'period',
      render: (_, s) => (
        <span className="nowrap">
          {formatFullDate(s.startsOn, i18n.language)} – {formatFullDate(s.endsOn, i18n.language)}
        </span>
      ),
    },
    {
      title: t('supervision.pilot.status'),
      key: 'status',
      render: (_, s) => (
        <span className="pilot-status">
          <PilotStatusTag status={s.status} />
          {s.revokedAt && (
            <Typography.Text type="secondary" className="pilot-status__note">
              {t('supervision.pilot.revokedAt', { time: formatDateTime(s.revokedAt, i18n.language) })}
            </Typography.Text>
          )}
        </span>
      ),
    },
    {
      title: t('supervision.pilot.actions'),
      key: 'actions',
      width: 96,
      render: (_, s) =>
        s.status === 'revoked' || s.status === 'ended' ? null : (
          <Button type="link" size="small" danger onClick={() => revoke(s)} data-testid="pilot-revoke">
            {t('supervision.pilot.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <div className="staff-page" data-testid="pilot-page">
      <Card variant="borderless" title={t('staff.cards.firstVisitPilot.title')}>
        <Typography.Paragraph type="secondary">{t('supervision.pilot.intro')}</Typography.Paragraph>
        <div className="supervision-toolbar">
          <Select<PilotStatus>
            className="supervision-toolbar__select"
            allowClear
            placeholder={t('supervision.pilot.filterStatus')}
            aria-label={t('supervision.pilot.filterStatus')}
            value={status}
            onChange={setStatus}
            options={PILOT_STATUSES.map((s) => ({
              value: s,
              label: t(`supervision.pilot.statusLabel.${s}`),
            }))}
            data-testid="pilot-status-filter"
          />
          <Button
            type="primary"
            icon={<PlusOutlined aria-hidden />}
            className="supervision-toolbar__end"
            onClick={() => setCreating(true)}
            data-testid="pilot-create"
          >
            {t('supervision.pilot.create')}
          </Button>
        </div>
        <Table<PilotScopeView>
          rowKey="id"
          size="middle"
          pagination={false}
          loading={scopes.data === undefined && scopes.error === undefined}
          dataSource={rows}
          columns={columns}
          onRow={rowTestId('pilot-row')}
          scroll={{ x: 820 }}
          locale={{ emptyText: scopes.error ? errorText(scopes.error, t) : t('supervision.pilot.empty') }}
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
