import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { MeQuery } from '../gql/graphql';

export const MeDocument = graphql(`
  query Me {
    me {
      id
      email
      displayName
      language
      isSuperuser
      memberOrganisationIds
      roles {
        role
        region {
          id
          name
          level
        }
      }
    }
  }
`);

export type Me = NonNullable<MeQuery['me']>;

interface MeState {
  me: Me | null;
  fetching: boolean;
  error: Error | null;
  refetch: () => void;
}

const MeContext = createContext<MeState | null>(null);

export function MeProvider({ children }: { children: ReactNode }) {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: MeDocument });
  const value = useMemo<MeState>(
    () => ({
      me: data?.me ?? null,
      fetching,
      error: error ?? null,
      refetch: () => reexecute({ requestPolicy: 'network-only' }),
    }),
    [data, fetching, error, reexecute],
  );
  return <MeContext.Provider value={value}>{children}</MeContext.Provider>;
}

export function useMe(): MeState {
  const ctx = useContext(MeContext);
  if (!ctx) throw new Error('useMe outside MeProvider');
  return ctx;
}
