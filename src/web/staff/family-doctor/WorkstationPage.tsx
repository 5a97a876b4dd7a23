import { ReloadOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Segmented, Select, Space, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { FollowupView, TeamView, Worklist } from '../../../shared/family-doctor.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { CardHeading } from '../records/captioned.js';
import { EducationTab } from './EducationTab.js';
import { FollowupModal } from './FollowupModal.js';
import { HomeServiceBox } from './HomeNursingPage.js';
import { query } from './parts.js';
import { type ReferralDraft, ReferralModal } from './ReferralModal.js';
import { ResidentDrawer, type ResidentRef } from './ResidentDrawer.js';
import { ResidentsTab } from './ResidentsTab.js';
import { WorklistTab } from './WorklistTab.js';
import '../records/records.css';
import './family-doctor.css';

type TabKey = 'worklist' | 'residents' | 'education' | 'homeServices';

/** 上门服务 for doctors: the institution's home visits and sick-bed rounds (FD-5), open / mine / all. */
function DoctorHomeServices() {
  const { t } = useTranslation();
  const [box, setBox] = useState<'open' | 'mine' | 'all'>('open');
  return (
    <>
      <Segmented
        aria-label={t('fdStaff.workstation.serviceScope')}
        value={box}
        onChange={(value) => setBox(value as typeof box)}
        options={(['open', 'mine', 'all'] as const).map((key) => ({
          value: key,
          label: t(`fdStaff.nursing.box.${key}`),
        }))}
        className="fd-block"
      />
      <HomeServiceBox key={box} box={box} onlyCategories={['visit', 'sickbed']} />
    </>
  );
}

/**
 * 家庭医生工作台 (/clinic/familyDoctor; doctors and nurses of a family-doctor team): the worklist (alerts,
 * overdue and due follow-ups, FD-7/FD-8), the contracted residents with their drawer, 随访, 转诊 up (FD-4),
 * 健康教育 and, for doctors, 上门服务 (FD-5).
 */
export function WorkstationPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const me = useMe();
  const [tab, setTab] = useState<TabKey>('worklist');
  const [teamId, setTeamId] = useState<string>();
  const teams = useApiData<{ items: TeamView[] }>('/family-doctor/teams?mine=true');
  const worklist = useApiData<Worklist>(query('/family-doctor/worklist', { teamId, withinDays: 14 }));
  const [resident, setResident] = useState<ResidentRef | null>(null);
  const [followup, setFollowup] = useState<FollowupView | null>(null);
  const [draft, setDraft] = useState<ReferralDraft | null>(null);
  const [drawerVersion, setDrawerVersion] = useState(0);
  const counts = worklist.data?.counts;
  const isDoctor = me.roles.includes('doctor');
  // The institution's teams the caller belongs to (lead or member); all of them if none names the caller.
  const allTeams = teams.data?.items ?? [];
  const memberOf = allTeams.filter(
    (team) =>
      team.lead.practitionerId === me.practitionerId ||
      team.members.some((m) => m.practitionerId === me.practitionerId),
  );
  const teamList = memberOf.length > 0 ? memberOf : allTeams;

  const badge = (count: number | undefined, color: string) =>
    count ? <Badge count={count} color={color} className="fd-tab-badge" /> : null;

  const items = [
    {
      key: 'worklist',
      label: (
        <span data-testid="fd-tab-worklist">
          {t('fdStaff.workstation.worklist')}
          {badge(counts?.alerts, '#cf1322')}
          {badge((counts?.overdue ?? 0) + (counts?.due ?? 0), '#0c7a7c')}
        </span>
      ),
      children: <WorklistTab worklist={worklist} onOpen={setResident} onFollowup={setFollowup} />,
    },
    {
      key: 'residents',
      label: <span data-testid="fd-tab-residents">{t('fdStaff.workstation.residents')}</span>,
      children: <ResidentsTab teamId={teamId} onOpen={setResident} />,
    },
    {
      key: 'education',
      label: <span data-testid="fd-tab-education">{t('fdStaff.workstation.education')}</span>,
      children: <EducationTab teams={teamList} teamId={teamId} />,
    },
    ...(isDoctor
      ? [
          {
            key: 'homeServices',
            label: <span data-testid="fd-tab-home-services">{t('fdStaff.workstation.homeServices')}</span>,
            children: <DoctorHomeServices />,
          },
        ]
      : []),
  ];

  return (
    <div className="staff-page fd-page" data-testid="fd-workstation">
      <Card
        variant="borderless"
        title={<CardHeading>{t('fdStaff.workstation.title')}</CardHeading>}
        extra={
          <Space wrap>
            {teamList.length > 1 && (
              <Select<string>
                className="fd-toolbar__select"
                aria-label={t('fdStaff.workstation.team')}
                value={teamId ?? ''}
                onChange={(value) => setTeamId(value || undefined)}
                options={[
                  { value: '', label: t('fdStaff.workstation.allTeams') },
                  ...teamList.map((team) => ({ value: team.id, label: team.name })),
                ]}
                data-testid="fd-team"
              />
            )}
            {teamList.length === 1 && <Typography.Text type="secondary">{teamList[0]?.name}</Typography.Text>}
            <Button icon={<ReloadOutlined aria-hidden />} onClick={worklist.reload}>
              {t('fdStaff.common.refresh')}
            </Button>
          </Space>
        }
      >
        <Tabs activeKey={tab} onChange={(key) => setTab(key as TabKey)} items={items} />
      </Card>
      <ResidentDrawer
        key={`${resident?.patientId ?? ''}:${drawerVersion}`}
        resident={resident}
        onClose={() => setResident(null)}
        onFollowup={setFollowup}
        onRefer={
          isDoctor
            ? (r, summary) =>
                setDraft({ direction: 'up', patient: { id: r.patientId, name: r.name }, summary })
            : undefined
        }
      />
      <FollowupModal
        followup={followup}
        onClose={() => setFollowup(null)}
        onDone={() => {
          worklist.reload();
          setDrawerVersion((v) => v + 1);
        }}
      />
      <ReferralModal
        draft={draft}
        onClose={() => setDraft(null)}
        onCreated={(r) => {
          void message.info({
            content: (
              <span>
                {t('fdStaff.workstation.referralSent', { no: r.referralNo })}{' '}
                <Button type="link" size="small" onClick={() => navigate('/clinic/referrals')}>
                  {t('fdStaff.workstation.openReferrals')}
                </Button>
              </span>
            ),
            duration: 6,
          });
        }}
      />
    </div>
  );
}
