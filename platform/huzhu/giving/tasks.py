"""Background jobs of giving: load by id, call a service, nothing more."""

from __future__ import annotations

from procrastinate.contrib.django import app


@app.task(name="huzhu.giving.send_receipt_email", queue="default", retry=3)
def send_receipt_email(*, donation_id: int, to: str | None = None) -> bool:
    """Email a succeeded donation's receipt PDF (deferred in the success transaction: rolled back with it)."""
    from .receipts import receipt_email_send

    return receipt_email_send(donation_id=donation_id, to=to)


@app.periodic(cron="0 9 * * *", periodic_id="giving-recurring")
@app.task(name="huzhu.giving.recurring_charge_due", queue="default", queueing_lock="giving-recurring")
def recurring_charge_due(timestamp: int) -> int:
    """Every day at 09:00: charge the monthly gifts that are due (each month at most once per plan)."""
    from .services import recurring_charge_due as charge

    return charge()


@app.periodic(cron="17 * * * *", periodic_id="giving-expire-unpaid")
@app.task(name="huzhu.giving.expire_unpaid_donations", queue="default", queueing_lock="giving-expire-unpaid")
def expire_unpaid_donations(timestamp: int) -> int:
    """Every hour: cancel online gifts left unpaid for more than 24 hours (their PaymentIntents too)."""
    from .services import donations_expire_unpaid

    return donations_expire_unpaid()
