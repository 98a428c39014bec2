"""Background jobs of charity projects: a nightly round of project-level fund matching (procrastinate)."""

from __future__ import annotations

from procrastinate.contrib.django import app


@app.periodic(cron="45 2 * * *")
@app.task(name="projects.propose_funds", queueing_lock="projects.propose_funds")
def propose_funds(timestamp: int) -> int:
    """Propose giving's funds to every open project with a funding gap (foundation reviewers decide)."""
    from huzhu.matching.projects import propose_funds_for_open_projects

    return propose_funds_for_open_projects()
