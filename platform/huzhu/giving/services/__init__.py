"""Writes of giving (every one in one transaction). Other apps call these:

Money matches (fund accounts are ledger account ids; see selectors.fund_candidates_for_need):
    fund_hold(*, actor, fund_account, amount_fen, need_id=None, project_id=None, idempotency_key, memo="")
    fund_release(*, actor, disbursement_id, reason="")
    fund_disburse(*, actor, fund_account=None, amount_fen=None, need_id=None, project_id=None,
                  idempotency_key, hold_id=None, memo="")
    disbursement_mark_used(*, actor, disbursement_id, note="")
Unpaid online gifts:
    donation_cancel(*, actor, donation_id)  (the donor's own); donations_expire_unpaid()  (the hourly job)
Goods matches:
    stock_reserve(*, actor, workstation_id, item_key, quantity, need_id, idempotency_key) -> StockReservation
    stock_release(*, actor, reservation_id, reason="")
    stock_dispatch(*, actor, reservation_id)
    stock_deliver(*, actor, reservation_id, note="")
actor=None means a trusted system caller (a job); otherwise the actor's roles are checked.
"""

from .cancel import donation_cancel, donations_expire_unpaid
from .donations import (
    check_currency,
    check_donation_amount,
    donation_create,
    donation_refund,
    donation_succeed,
    earmark_label,
    offline_donation_record,
    receipt_number_next,
)
from .funds import (
    Earmark,
    disbursement_mark_used,
    donation_free_fen,
    fund_allows,
    fund_available,
    fund_disburse,
    fund_for_earmark,
    fund_hold,
    fund_release,
    general_fund,
)
from .goods import (
    StockLevel,
    goods_pledge_cancel,
    goods_pledge_create,
    goods_receive,
    stock_deliver,
    stock_dispatch,
    stock_level,
    stock_level_from_movements,
    stock_release,
    stock_reserve,
    stock_write_off,
)
from .pledges import service_pledge_create, service_pledge_set_active
from .recurring import recurring_activate, recurring_cancel, recurring_charge_due, recurring_create
from .stripe_events import stripe_event_process

__all__ = [
    "Earmark", "StockLevel", "check_currency", "check_donation_amount", "disbursement_mark_used",
    "donation_cancel", "donation_create", "donations_expire_unpaid",
    "donation_free_fen", "donation_refund", "donation_succeed", "earmark_label",
    "fund_allows", "fund_available", "fund_disburse", "fund_for_earmark", "fund_hold", "fund_release",
    "general_fund", "goods_pledge_cancel", "goods_pledge_create", "goods_receive", "offline_donation_record",
    "receipt_number_next", "recurring_activate", "recurring_cancel", "recurring_charge_due", "recurring_create",
    "service_pledge_create", "service_pledge_set_active", "stock_deliver", "stock_dispatch", "stock_level",
    "stock_level_from_movements", "stock_release", "stock_reserve", "stock_write_off", "stripe_event_process",
]
