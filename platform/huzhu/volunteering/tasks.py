"""Background jobs of volunteering (procrastinate). Thin: load by id, call a service, nothing more.

    every 5 min   volunteering_sweep        reminders due, group reservations due for release, ended tasks
                                            (auto check-out of the forgotten, no-shows)
    daily 06:10   monthly_visits_daily      plan visits for key-group households not yet visited this month,
                                            remind social workers near the month end
    1st 00:20     monthly_visits_monthly    plan the new month's visits
"""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from . import services

log = logging.getLogger(__name__)


@app.task(queue="volunteering", name="volunteering.close_task_attendance")
def close_task_attendance(task_id: int) -> None:
    services.task_close_attendance(task_id=task_id)


@app.task(queue="volunteering", name="volunteering.release_group_reservation")
def release_group_reservation(reservation_id: int) -> None:
    services.group_reservation_release(reservation_id=reservation_id)


@app.periodic(cron="*/5 * * * *", periodic_id="volunteering-sweep")
@app.task(queue="volunteering", name="volunteering.sweep", queueing_lock="volunteering.sweep")
def volunteering_sweep(timestamp: int) -> None:
    sent = services.task_reminders_send()
    for reservation_id in services.reservations_due():
        services.group_reservation_release(reservation_id=reservation_id)
    for task_id in services.tasks_to_close():
        services.task_close_attendance(task_id=task_id)
    log.info("volunteering sweep: %s reminders", sent)


@app.periodic(cron="10 6 * * *", periodic_id="volunteering-monthly-visits-daily")
@app.task(queue="volunteering", name="volunteering.monthly_visits_daily",
          queueing_lock="volunteering.monthly_visits")
def monthly_visits_daily(timestamp: int) -> None:
    services.monthly_visits_plan()
    services.monthly_visit_reminders()


@app.periodic(cron="20 0 1 * *", periodic_id="volunteering-monthly-visits-monthly")
@app.task(queue="volunteering", name="volunteering.monthly_visits_monthly",
          queueing_lock="volunteering.monthly_visits")
def monthly_visits_monthly(timestamp: int) -> None:
    services.monthly_visits_plan()
