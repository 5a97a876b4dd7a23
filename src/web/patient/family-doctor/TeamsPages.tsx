/**
 * The teams of a community (its community health centre or station, FD-1) and one team: members, how
 * many it serves, the packages it offers; from there the sign page (or a switch at renewal).
 */
import { Button, ErrorBlock, Tag } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Institution } from '../../../shared/directory.js';
import type { PackageList, TeamList, TeamView } from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import { useApiData } from '../../components/useApiData.js';
import { formatYuan } from '../../format.js';
import { displayName } from '../../names.js';
import { Card, Frame, MemberLine, Waiting } from './FdParts.js';
import { fdPath, useFdPatient } from './fd.js';

/** Community health centres and stations: where family-doctor teams are. */
function useCommunityInstitutions(): { items: Institution[] | undefined; error: unknown } {
  const centres = useApiData<Page<Institution>>('/institutions?type=community_centre&limit=100');
  const stations = useApiData<Page<Institution>>('/institutions?type=community_station&limit=100');
  const items =
    centres.data && stations.data
      ? [...centres.data.items, ...stations.data.items].filter((i) => i.status === 'active')
      : undefined;
  return { items, error: centres.error ?? stations.error };
}

function Capacity({ team }: { team: TeamView }) {
  const { t } = useTranslation();
  return team.full ? (
    <Tag color="danger" fill="outline" data-testid="fd-team-full">
      {t('fdResident.teams.full')}
    </Tag>
  ) : (
    <span className="fd-muted">
      {t('fdResident.teams.signed', { signed: team.signedCount, capacity: team.capacity })}
    </span>
  );
}

/** 选择家庭医生团队: a community, then its teams. */
export function TeamsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const patient = useFdPatient();
  const [params, setParams] = useSearchParams();
  const switchFrom = params.get('switchFrom') ?? undefined;
  const institutions = useCommunityInstitutions();
  const institutionId = params.get('institution') ?? institutions.items?.[0]?.id;
  const teams = useApiData<TeamList>(
    institutionId ? `/family-doctor/teams?institutionId=${institutionId}` : null,
  );
  const chosenInstitution = institutions.items?.find((i) => i.id === institutionId);

  const pick = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('institution', id);
    setParams(next, { replace: true });
  };

  return (
    <Frame
      title={switchFrom ? t('fdResident.titles.switchTeam') : t('fdResident.titles.teams')}
      back={fdPath('', patient.chosen)}
      testId="fd-teams"
      patient={patient}
    >
      {switchFrom && <p className="patient-page__intro">{t('fdResident.teams.switchIntro')}</p>}
      <section className="booking-card" aria-labelledby="fd-institution-title">
        <h2 className="booking-card__title" id="fd-institution-title">
          {t('fdResident.teams.community')}
        </h2>
        {institutions.items ? (
          <>
            <label className="fd-label" htmlFor="fd-institution">
              {t('fdResident.teams.institution')}
            </label>
            <select
              id="fd-institution"
              className="fd-native-input"
              value={institutionId ?? ''}
              onChange={(e) => pick(e.target.value)}
              data-testid="fd-institution-picker"
            >
              {institutions.items.map((i) => (
                <option key={i.id} value={i.id}>
                  {displayName(i, i18n.language)}
                </option>
              ))}
            </select>
            {chosenInstitution?.address && <p className="fd-muted fd-address">{chosenInstitution.address}</p>}
          </>
        ) : (
          <Waiting error={institutions.error} />
        )}
      </section>

      <section className="fd-team-list" aria-label={t('fdResident.teams.listLabel')}>
        {!teams.data ? (
          institutionId ? (
            <Waiting error={teams.error} />
          ) : null
        ) : teams.data.items.length === 0 ? (
          <ErrorBlock className="patient-empty" status="empty" title={t('fdResident.teams.none')} />
        ) : (
          teams.data.items.map((team) => (
            <button
              key={team.id}
              type="button"
              className="booking-card fd-team"
              onClick={() =>
                navigate(
                  fdPath(`teams/${team.id}`, patient.chosen, { institution: team.institutionId, switchFrom }),
                )
              }
              data-testid="fd-team"
              data-name={team.name}
            >
              <span className="fd-team__head">
                <span className="fd-team__name">{team.name}</span>
                <RightOutline aria-hidden />
              </span>
              <span className="fd-muted">
                {t('fdResident.teams.leadLine', { name: team.lead.name, count: team.members.length + 1 })}
              </span>
              <span className="fd-team__intro">{team.intro}</span>
              <Capacity team={team} />
            </button>
          ))
        )}
      </section>
    </Frame>
  );
}

/** One team: its members, intro and packages; 选择该团队签约. */
export function TeamPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { teamId = '' } = useParams();
  const patient = useFdPatient();
  const [params] = useSearchParams();
  const institutionId = params.get('institution');
  const switchFrom = params.get('switchFrom') ?? undefined;
  const teams = useApiData<TeamList>(
    `/family-doctor/teams${institutionId ? `?institutionId=${institutionId}` : ''}`,
  );
  const team = teams.data?.items.find((x) => x.id === teamId);
  const packages = useApiData<PackageList>(
    team && patient.patientId
      ? `/family-doctor/packages?institutionId=${team.institutionId}&patientId=${patient.patientId}`
      : null,
  );
  const back = fdPath('teams', patient.chosen, { institution: institutionId ?? undefined, switchFrom });

  if (!team) {
    return (
      <Frame title={t('fdResident.titles.team')} back={back} testId="fd-team-page" patient={patient}>
        {teams.data ? (
          <ErrorBlock className="patient-empty" status="empty" title={t('fdResident.teams.notFound')} />
        ) : (
          <Waiting error={teams.error} />
        )}
      </Frame>
    );
  }

  const lang = i18n.language;
  const others = team.members.filter((m) => m.practitionerId !== team.lead.practitionerId);
  const sign = switchFrom
    ? fdPath('sign', patient.chosen, { renew: switchFrom, team: team.id, institution: team.institutionId })
    : fdPath('sign', patient.chosen, { team: team.id, institution: team.institutionId });

  return (
    <Frame title={team.name} back={back} testId="fd-team-page" patient={patient}>
      <section className="booking-card fd-team-banner" aria-labelledby="fd-team-title">
        <h2 className="fd-team-banner__name" id="fd-team-title">
          {team.name}
        </h2>
        <p className="fd-muted">{team.institutionName}</p>
        <p className="fd-text">{team.intro}</p>
        <Capacity team={team} />
      </section>
      <Card id="members" title={t('fdResident.teams.members')}>
        <ul className="fd-members">
          <MemberLine member={team.lead} language={lang} />
          {others.map((m) => (
            <MemberLine key={m.practitionerId} member={m} language={lang} />
          ))}
        </ul>
      </Card>
      <Card id="offered" title={t('fdResident.teams.packages')}>
        {packages.data ? (
          <ul className="fd-list">
            {packages.data.items
              .filter((p) => p.status === 'active')
              .map((p) => (
                <li key={p.id} className="fd-offer" data-testid="fd-offer" data-group={p.group}>
                  <span className="fd-offer__main">
                    <strong>{p.name}</strong>
                    <span className="fd-muted">{p.description}</span>
                    {p.eligible === false && p.ineligibleReason && (
                      <span className="fd-muted fd-ineligible">{p.ineligibleReason}</span>
                    )}
                  </span>
                  <span className="fd-offer__fee">
                    {t('fdResident.sign.perYear', { amount: formatYuan(p.feeFen) })}
                  </span>
                </li>
              ))}
          </ul>
        ) : (
          <Waiting error={packages.error} />
        )}
      </Card>
      <div className="patient-page__actions">
        <Button
          block
          color="primary"
          size="large"
          disabled={team.full || !patient.patientId}
          onClick={() => navigate(sign)}
          data-testid="fd-sign-team"
        >
          {switchFrom ? t('fdResident.teams.switchTo') : t('fdResident.teams.signWith')}
        </Button>
      </div>
    </Frame>
  );
}
