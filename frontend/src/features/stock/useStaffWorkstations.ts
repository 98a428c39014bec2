import { useMemo } from 'react';
import { useQuery } from 'urql';
import type { WorkstationsQuery } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { WorkstationsDocument } from './documents';

export type WorkstationOption = WorkstationsQuery['workstations'][number];

/**
 * The workstations the viewer staffs: those in (or directly under) a region of their workstation-staff grants;
 * superusers and administrators may pick any. The server checks again on every call.
 */
export function staffWorkstations(
  all: readonly WorkstationOption[],
  roles: readonly { role: string; region: { id: string } | null }[],
  isSuperuser: boolean,
): WorkstationOption[] {
  if (isSuperuser || roles.some((g) => g.role === 'administrator')) return [...all];
  const regions = new Set(roles.filter((g) => g.role === 'workstation_staff' && g.region).map((g) => g.region!.id));
  return all.filter((w) => regions.has(w.region.id) || (w.region.parentId != null && regions.has(w.region.parentId)));
}

export function useStaffWorkstations() {
  const { me } = useMe();
  const [{ data, fetching, error }, refetch] = useQuery({ query: WorkstationsDocument });
  const workstations = useMemo(
    () => staffWorkstations(data?.workstations ?? [], me?.roles ?? [], me?.isSuperuser ?? false),
    [data, me],
  );
  return { workstations, fetching: fetching && !data, error, refetch };
}
