"""Charity-project fixtures live in tests/projects/fixtures.py (tests/matching/test_projects.py uses them too)."""

from tests.projects.fixtures import *  # noqa: F403
