import importlib

from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import include, path, re_path

from huzhu.graphql.view import HuzhuGraphQLView


def healthz(_request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("select 1")
        ok = cursor.fetchone() == (1,)
    return JsonResponse({"status": "ok" if ok else "degraded", "database": ok})


def web_app(_request: HttpRequest) -> HttpResponseBase:
    """The single-page web app; its client-side router handles the path."""
    index = settings.FRONTEND_DIST / "index.html"
    if index.exists():
        return FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
    return HttpResponse(
        "<!doctype html><meta charset=utf-8><title>互助 Huzhu</title>"
        "<h1>互助 Huzhu</h1><p>The web app is not built yet (cd frontend && npm ci && npm run build). "
        "<a href='/graphql'>GraphQL</a> · <a href='/admin/'>Admin</a></p>",
        content_type="text/html; charset=utf-8",
    )


def app_urls() -> list:
    """Each app may add its own pages (webhooks, public verify pages) in huzhu/<app>/urls.py."""
    patterns = []
    for app in ("people", "households", "giving", "volunteering", "timebank", "projects", "matching", "realtime"):
        try:
            importlib.import_module(f"huzhu.{app}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"huzhu.{app}.urls":
                raise
            continue
        patterns.append(path("", include(f"huzhu.{app}.urls")))
    return patterns


urlpatterns = [
    path("healthz", healthz),
    path("graphql", HuzhuGraphQLView.as_view(), name="graphql"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    *app_urls(),
    re_path(r"^(?!static/|assets/|graphql|admin/|accounts/|_allauth/|healthz).*$", web_app),
]
