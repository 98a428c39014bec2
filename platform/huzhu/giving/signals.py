"""Signals sent after commit, for other apps to react to giving's events without giving importing them.

Receivers get ids and keys, not objects: they load what they need in their own transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

# workstation_id=, item_key=: goods were received into a workstation's stock (online matching proposes them)
stock_received = Signal()
