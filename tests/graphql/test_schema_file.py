"""schema.graphql, checked in at the repository root, is the schema the code serves (the web app's types and
reviewers' diffs are generated from it)."""

from __future__ import annotations

import difflib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import translation

REGENERATE = (
    ".venv/bin/huzhu graphql_schema --schema huzhu.graphql.schema.schema --out schema.graphql  (or: make schema)"
)


def test_the_checked_in_schema_is_current(tmp_path: Path) -> None:
    # given the schema file in the repository and the schema the code builds now
    checked_in = Path(settings.PROJECT_ROOT) / "schema.graphql"
    fresh = tmp_path / "schema.graphql"
    # descriptions come from translatable labels: print them in the default language, as the command does when
    # run on its own (an earlier test's request may have left another language active in this thread)
    with translation.override(settings.LANGUAGE_CODE):
        call_command("graphql_schema", schema="huzhu.graphql.schema.schema", out=str(fresh), verbosity=0)
    expected = fresh.read_text(encoding="utf-8")
    actual = checked_in.read_text(encoding="utf-8") if checked_in.exists() else ""
    # then they are the same; if not, the message says how to regenerate it and shows the first differences
    if actual != expected:
        diff = "".join(list(difflib.unified_diff(actual.splitlines(True), expected.splitlines(True),
                                                 "schema.graphql (checked in)", "schema (from the code)"))[:60])
        raise AssertionError(
            "schema.graphql is out of date (another change to the API?). Regenerate it from the repository root "
            f"and commit it:\n    {REGENERATE}\n\n{diff}"
        )
