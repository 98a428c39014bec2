import { useMemo } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { RegionLevel, Role } from '../../gql/graphql';
import { useMe } from '../../auth/MeProvider';
import { buildRegionTree } from './regionTree';

const RegionsDocument = graphql(`
  query RegionTree {
    regions {
      id
      name
      level
      parentId
    }
  }
`);

/** The regions where the user holds one of `roles` (all for a superuser), as TreeSelect data. */
export function useRegionTree(roles: readonly Role[], selectableLevels?: readonly RegionLevel[]) {
  const { me } = useMe();
  const [{ data, fetching, error }] = useQuery({ query: RegionsDocument, requestPolicy: 'cache-first' });
  const tree = useMemo(() => {
    if (!data) return [];
    const roots = me?.isSuperuser ? null : (me?.roles ?? []).filter((g) => roles.includes(g.role)).map((g) => g.region.id);
    return buildRegionTree(data.regions, roots, selectableLevels);
  }, [data, me, roles, selectableLevels]);
  return { tree, fetching, error };
}
