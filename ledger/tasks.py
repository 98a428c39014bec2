"""Background jobs of the ledger: seal committed transfers, expire pending ones. Both are safe to overlap.

Sealing runs here, after commit and outside any posting transaction, so writers never wait for a hash chain.
"""

from __future__ import annotations

from procrastinate.contrib.django import app

from ledger import api, integrity


@app.periodic(cron="*/15 * * * * *", periodic_id="ledger-seal")
@app.task(name="ledger.seal", queue="default", queueing_lock="ledger.seal")
def seal_transfers(timestamp: int) -> int:
    """Every 15 s: hash what committed since the last seal into the chain."""
    return integrity.seal()


@app.periodic(cron="*/30 * * * * *", periodic_id="ledger-expire")
@app.task(name="ledger.expire_pending", queue="default", queueing_lock="ledger.expire_pending")
def expire_pending_transfers(timestamp: int) -> int:
    """Every 30 s: void pending transfers whose timeout has passed."""
    return api.expire_pending()
