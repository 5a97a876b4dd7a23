import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Progress, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { TeamList, TeamMemberView, TeamView } from '../../../../shared/family-doctor.js';
import { useApiData } from '../../../components/useApiData.js';
import { errorText } from '../../../errors.js';
import { useTableCaption } from '../../records/captioned.js';
import { TeamFormModal } from './TeamFormModal.js';

const ROLE_COLOUR: Record<TeamMemberView['role'], string> = {
  lead: 'blue',
  doctor: 'geekblue',
  nurse: 'magenta',
  public_health: 'green',
  specialist: 'purple',
};

/** 团队: the institution's teams — lead, members with roles, capacity and how full — to create and edit. */
export function TeamsTab({ institutionId }: { institutionId: string }) {
  const { t } = useTranslation();
  const teams = useApiData<Static<typeof TeamList>>(`/family-doctor/teams?institutionId=${institutionId}`);
  const [editing, setEditing] = useState<{ team?: TeamView } | undefined>();
  const caption = useTableCaption(t('fdAdmin.teams.caption'));
  const items = teams.data?.items ?? [];

  const memberTag = (m: TeamMemberView) => (
    <Tag
      key={m.practitionerId}
      color={ROLE_COLOUR[m.role]}
      title={t('fdAdmin.teams.memberTitle', {
        name: m.name,
        role: t(`fdAdmin.role.${m.role}`),
        title: m.professionalTitle,
        institution: m.institutionName,
      })}
    >
      {m.name} · {t(`fdAdmin.role.${m.role}`)}
    </Tag>
  );

  const columns: TableColumnsType<TeamView> = [
    {
      title: t('fdAdmin.teams.name'),
      key: 'name',
      width: 260,
      render: (_, team) => (
        <div>
          <Typography.Text strong>{team.name}</Typography.Text>
          {team.intro && <div className="fda-sub">{team.intro}</div>}
        </div>
      ),
    },
    {
      title: t('fdAdmin.teams.lead'),
      key: 'lead',
      width: 140,
      render: (_, team) => (
        <div>
          <span>{team.lead.name}</span>
          <div className="fda-sub">{team.lead.professionalTitle}</div>
        </div>
      ),
    },
    {
      title: t('fdAdmin.teams.members'),
      key: 'members',
      render: (_, team) => {
        const others = team.members.filter((m) => m.practitionerId !== team.lead.practitionerId);
        return others.length === 0 ? (
          <span className="fda-sub">{t('fdAdmin.teams.noMembers')}</span>
        ) : (
          <div className="fda-tags">{others.map(memberTag)}</div>
        );
      },
    },
    {
      title: t('fdAdmin.teams.signed'),
      key: 'signed',
      width: 200,
      render: (_, team) => (
        <div>
          <Space size={6}>
            <span className="fda-num">
              {t('fdAdmin.teams.signedOf', { signed: team.signedCount, capacity: team.capacity })}
            </span>
            {team.full ? (
              <Tag color="error" data-testid="fd-team-full">
                {t('fdAdmin.teams.full')}
              </Tag>
            ) : (
              <Tag color="success">{t('fdAdmin.teams.open')}</Tag>
            )}
          </Space>
          <Progress
            percent={team.capacity > 0 ? Math.min(100, (team.signedCount / team.capacity) * 100) : 0}
            showInfo={false}
            size="small"
            status={team.full ? 'exception' : 'normal'}
            aria-hidden
          />
        </div>
      ),
    },
    {
      title: t('fdAdmin.common.actions'),
      key: 'actions',
      width: 90,
      render: (_, team) => (
        <Button
          type="link"
          size="small"
          icon={<EditOutlined aria-hidden />}
          aria-label={`${t('fdAdmin.common.edit')} ${team.name}`}
          onClick={() => setEditing({ team })}
          data-testid="fd-team-edit"
        >
          {t('fdAdmin.common.edit')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="fd-teams">
      <div className="fda-tab-head">
        <Typography.Paragraph type="secondary" className="fda-tab-intro">
          {t('fdAdmin.teams.intro')}
        </Typography.Paragraph>
        <Space>
          <Button icon={<ReloadOutlined aria-hidden />} onClick={teams.reload}>
            {t('fdAdmin.common.refresh')}
          </Button>
          <Button
            type="primary"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => setEditing({})}
            disabled={!teams.data}
            data-testid="fd-team-create"
          >
            {t('fdAdmin.teams.create')}
          </Button>
        </Space>
      </div>
      {teams.error !== undefined && (
        <Alert className="rec-page-alert" type="error" showIcon title={errorText(teams.error, t)} />
      )}
      <Table<TeamView>
        rowKey="id"
        size="middle"
        columns={columns}
        components={caption}
        dataSource={items}
        loading={teams.data === undefined && teams.error === undefined}
        pagination={false}
        scroll={{ x: 960 }}
        onRow={(team) =>
          ({ 'data-testid': 'fd-team-row', 'data-name': team.name }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText: t('fdAdmin.teams.empty') }}
      />
      <TeamFormModal
        open={editing !== undefined}
        team={editing?.team}
        institutionId={institutionId}
        teams={items}
        onClose={() => setEditing(undefined)}
        onDone={() => {
          setEditing(undefined);
          teams.reload();
        }}
      />
    </div>
  );
}
