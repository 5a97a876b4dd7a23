import { Alert, Card, Result, Spin, Tabs } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Institution } from '../../../shared/directory.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading } from '../records/captioned.js';
import { PackagesTab } from './admin/PackagesTab.js';
import { TeamsTab } from './admin/TeamsTab.js';
import '../records/records.css';
import './admin/admin.css';

/** Family-doctor teams belong to primary care: community health centres and their stations. */
const PRIMARY = new Set<Institution['type']>(['community_centre', 'community_station']);

/**
 * 家庭医生团队与服务包 (/admin/familyTeams): the org_admin of a community centre or station manages its teams
 * (lead, members, capacity; FD-1) and its personalised packages (FD-2, FD-3 split) and sees the district's.
 * A hospital's admin is told plainly that teams are not theirs to run.
 */
export function TeamsAdminPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const institution = useApiData<Institution>(me.institutionId ? `/institutions/${me.institutionId}` : null);
  const data = institution.data;

  let body: ReactNode;
  if (!me.institutionId) {
    body = <Result status="info" title={t('fdAdmin.noInstitution')} />;
  } else if (institution.error !== undefined) {
    body = <Alert type="error" showIcon title={errorText(institution.error, t)} />;
  } else if (!data) {
    body = <Spin className="staff-page__spin" />;
  } else if (!PRIMARY.has(data.type)) {
    const name = (i18n.language === 'en-US' && data.nameEn) || data.name;
    body = (
      <Result
        status="info"
        title={t('fdAdmin.notPrimary.title')}
        subTitle={t('fdAdmin.notPrimary.desc', { name })}
        data-testid="fd-admin-not-primary"
      />
    );
  } else {
    body = (
      <Tabs
        className="fda-tabs"
        items={[
          { key: 'teams', label: t('fdAdmin.tabs.teams'), children: <TeamsTab institutionId={data.id} /> },
          {
            key: 'packages',
            label: t('fdAdmin.tabs.packages'),
            children: <PackagesTab institutionId={data.id} />,
          },
        ]}
      />
    );
  }

  return (
    <div className="staff-page fda-page" data-testid="fd-teams-admin">
      <Card variant="borderless" title={<CardHeading>{t('staff.cards.familyTeams.title')}</CardHeading>}>
        {body}
      </Card>
    </div>
  );
}
