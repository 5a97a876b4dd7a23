import type { TeamCandidate, TeamCandidateList, TeamView } from '../../../../shared/family-doctor.js';
import { useApiData } from '../../../components/useApiData.js';

export interface Candidates {
  items: TeamCandidate[];
  loading: boolean;
  error: unknown;
}

/** The people already in the institution's teams, so a member no longer offered still has a name. */
function fromTeams(teams: readonly TeamView[]): TeamCandidate[] {
  return teams.flatMap((team) =>
    [team.lead, ...team.members].map((m) => ({
      practitionerId: m.practitionerId,
      name: m.name,
      kind: m.kind,
      professionalTitle: m.professionalTitle,
      // A member's own institution is named only: the same name as the team's means this institution.
      institutionId: m.institutionName === team.institutionName ? team.institutionId : '',
      institutionName: m.institutionName,
      departmentName: '',
    })),
  );
}

/**
 * Who may be put in the institution's teams: GET /family-doctor/teams/candidates (its doctors and nurses
 * and the alliance hospital's doctors; the directory has no list of nurses), then the teams' own members.
 */
export function useTeamCandidates(open: boolean, teams: readonly TeamView[]): Candidates {
  const list = useApiData<TeamCandidateList>(open ? '/family-doctor/teams/candidates' : null);
  const seen = new Map<string, TeamCandidate>();
  for (const c of [...(list.data?.items ?? []), ...fromTeams(teams)])
    if (!seen.has(c.practitionerId)) seen.set(c.practitionerId, c);
  return {
    items: [...seen.values()],
    loading: open && list.data === undefined && list.error === undefined,
    error: list.error,
  };
}
