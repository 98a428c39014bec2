"""The /graphql HTTP view: GraphiQL in the browser, JSON POSTs, depth and cost limits.

Why csrf_exempt is safe here: the view accepts only `application/json` POST bodies, which a cross-site form
cannot send and a cross-site fetch cannot send without a CORS preflight that this server never grants; the
session cookie is SameSite=Lax besides. This keeps the web app and GraphiQL free of CSRF token plumbing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView
from graphql import validate

from .limits import validation_rules


@method_decorator(csrf_exempt, name="dispatch")
class HuzhuGraphQLView(GraphQLView):
    graphiql = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            content_type = (request.content_type or "").split(";")[0].strip()
            if content_type != "application/json":
                return JsonResponse(
                    {"errors": [{"message": "POST /graphql with Content-Type: application/json."}]},
                    status=415,
                )
        return super().dispatch(request, *args, **kwargs)

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        # Run the limits before execution: parse, validate with our rules, refuse with a clear error.
        if query:
            from graphql import parse
            from graphql.error import GraphQLSyntaxError

            try:
                document = parse(query)
            except GraphQLSyntaxError:
                document = None
            if document is not None:
                errors = validate(self.schema.graphql_schema, document, validation_rules(variables))
                if errors:
                    from graphql import ExecutionResult

                    return ExecutionResult(data=None, errors=errors)
        return super().execute_graphql_request(
            request, data, query, variables, operation_name, show_graphiql
        )
