"""GraphQL for volunteering: types.py, queries.py, mutations.py.

Batch loading, as in households: list resolvers return a scoped queryset carrying its select_related (region,
its street, lead, household) and prefetch_related (claims with volunteer and attendance, reservations, status
history) and the viewer's claim as an annotation; graphene-django slices it for the page and field resolvers
only read what is loaded, checking visibility against the role grants cached on the user. The number of SQL
queries is fixed whatever the page size (tests/volunteering/test_schema.py pins it).
"""

from .mutations import Mutation
from .queries import Query

__all__ = ["Mutation", "Query"]
