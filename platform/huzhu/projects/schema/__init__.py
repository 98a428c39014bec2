"""GraphQL of charity projects (a package: types, queries, mutations). The root schema picks up Query and Mutation."""

from .mutations import Mutation
from .queries import Query

__all__ = ["Query", "Mutation"]
