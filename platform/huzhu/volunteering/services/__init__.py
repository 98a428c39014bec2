"""Every write of volunteering, each in one transaction (see the modules for the rules of each).

    lifecycle   service_task_create / _open / _cancel, urgent notifications
    claims      task_claim, task_withdraw, waiting list, group_reservation_create / _release
    attendance  QR tokens, task_check_in / _out, manual check-in/out, attendance_adjust, auto check-out, no-shows
    hours       hours_confirm (credits the time bank), hours_correct (reversal + new credit)
    reminders   task_reminders_send, volunteering_rules_update
    visits      monthly_visits_plan, monthly_visit_reminders
"""

from .address import task_address
from .attendance import (
    CheckinQr,
    attendance_adjust,
    attendance_auto_checkout,
    issue_token,
    read_token,
    record_no_shows,
    task_check_in,
    task_check_out,
    task_checkin_qr,
    task_close_attendance,
    task_manual_check_in,
    task_manual_check_out,
    tasks_to_close,
)
from .claims import (
    group_reservation_create,
    group_reservation_release,
    reservations_due,
    task_claim,
    task_withdraw,
)
from .common import rules_get, task_get
from .hours import earning_key, hours_confirm, hours_correct
from .lifecycle import notify_urgent, service_task_cancel, service_task_create, service_task_open
from .reminders import task_reminders_send, volunteering_rules_update
from .visits import monthly_visit_reminders, monthly_visits_plan

__all__ = [
    "CheckinQr", "attendance_adjust", "attendance_auto_checkout", "earning_key", "group_reservation_create",
    "group_reservation_release", "hours_confirm", "hours_correct", "issue_token", "monthly_visit_reminders",
    "monthly_visits_plan", "notify_urgent", "read_token", "record_no_shows", "reservations_due", "rules_get",
    "service_task_cancel", "task_address", "service_task_create", "service_task_open", "task_check_in",
    "task_check_out",
    "task_checkin_qr", "task_claim", "task_close_attendance", "task_get", "task_manual_check_in",
    "task_manual_check_out", "task_reminders_send", "task_withdraw", "tasks_to_close", "volunteering_rules_update",
]
