"""Signals sent after commit, for other apps to react to giving's events without giving importing them.

Receivers get ids and keys, not objects: they load what they need in their own transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

# workstation_id=, item_key=: goods were received into a workstation's stock (online matching proposes them)
stock_received = Signal()

# donation_id=, fund_kind=, project_id=: money arrived in a fund (a gift succeeded: webhook or staff record).
# Matching proposes a project's own fund to the project at once when the gift was earmarked to it.
donation_succeeded = Signal()
