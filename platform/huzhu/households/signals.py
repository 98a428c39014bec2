"""Signals sent after commit, for other apps (matching, realtime) to react to households' events.

Receivers get ids, not objects: they load what they need in their own transaction and scope.
"""

from __future__ import annotations

from django.dispatch import Signal

# household_id=
household_registered = Signal()
# need_id=, urgent=
need_opened = Signal()
# need_id=, from_status=, to_status=
need_status_changed = Signal()
