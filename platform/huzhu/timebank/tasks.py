"""Background jobs of the time bank: record the redemption holds that the ledger's expiry released."""

from __future__ import annotations

from procrastinate.contrib.django import app


@app.periodic(cron="*/15 * * * *", periodic_id="timebank-redemption-expiry")
@app.task(queue="timebank", name="timebank.redemptions_sync_expired", queueing_lock="timebank.redemptions_sync")
def redemptions_sync_expired(timestamp: int | None = None) -> int:
    from . import services

    return services.redemptions_sync_expired()
