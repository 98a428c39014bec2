"""GraphQL for households: types.py (full and anonymised views), queries.py, mutations.py.

Batch loading — the choice and why
----------------------------------
graphene-django 3's view is synchronous and graphene 3's DataLoader is asyncio-only, so a DataLoader would
need an async view with every ORM call wrapped in sync_to_async. Instead the list resolvers return a scoped
queryset that already carries its `select_related` (region and its parent, the registering workstation) and
`prefetch_related` (members, needs and their history, duplicate flags, the latest visits), plus two
annotations (last visit, open urgent need). graphene-django slices that queryset for the page, Django runs
one query per prefetch for the whole page, and the field resolvers only read what is already loaded. So:

- the number of SQL queries is fixed whatever the page size (pinned by
  tests/households/test_query_counts.py: the same count at 10 and 100 rows);
- loading goes through the scoped selectors, so visibility is by construction, and the field resolvers
  have nothing to check;
- no per-request loader state to create, prime or invalidate after a mutation.

The cost is that a page loads every relation the type can show even when the query asks for fewer fields —
a handful of indexed queries over at most 100 households — which is cheaper than building and maintaining
a query optimiser for it.
"""

from .mutations import Mutation
from .queries import Query

__all__ = ["Mutation", "Query"]
