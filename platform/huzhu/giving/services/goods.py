"""Goods: pledges, receiving into workstation stock, and the stock book that matching reserves from.

Stock is never an edited number: every change is a StockMovement row, on-hand and reserved are sums. Lots are
the GoodsDonation rows: each movement names the lot it draws on (oldest lot first), which is how a donor's
trace knows that *their* quilt went to a household in 北街道1社区.

Concurrency: every service that takes from stock locks the (workstation, item) StockItem row with
SELECT … FOR UPDATE before reading its balance, so of two reservations racing for the last unit exactly one
sees it. The balance on that row (on_hand, reserved) is the running sum of the item's movements: _move, the only
writer of movements, updates it in the same statement pair and transaction, and the row's check constraint
(0 ≤ reserved ≤ on_hand) makes the database refuse an over-draw even if a check here were wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import check_text
from huzhu.giving import publish, signals
from huzhu.giving.errors import GivingError, GivingErrorCode
from huzhu.giving.models import DonationTraceEvent, GoodsDonation, StockItem, StockMovement, StockReservation
from huzhu.giving.targets import need_info
from huzhu.giving.taxonomy import GoodsCondition, goods_item
from huzhu.people import access
from huzhu.people.models import Role, User, Workstation

from .trace import trace_add

MAX_QUANTITY = 100_000
Kind = StockMovement.Kind


@dataclass(frozen=True)
class StockLevel:
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def _quantity(value: object, *, field: str = "quantity") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_QUANTITY:
        raise GivingError(GivingErrorCode.OUT_OF_RANGE, field=field)
    return value


def _staff_workstation(actor: User | None, workstation_id: int, *, field: str = "workstationId") -> Workstation:
    workstation = Workstation.objects.select_related("region").filter(pk=workstation_id).first()
    if workstation is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field=field)
    if actor is not None and not access.has_role(actor, [Role.WORKSTATION_STAFF, Role.ADMINISTRATOR],
                                                 workstation.region):
        raise GivingError(GivingErrorCode.NOT_FOUND, field=field)
    return workstation


def stock_level(stock_item: StockItem) -> StockLevel:
    """The item's balance as committed (or as this transaction left it): one primary-key read."""
    on_hand, reserved = StockItem.objects.filter(pk=stock_item.pk).values_list("on_hand", "reserved").get()
    return StockLevel(on_hand=on_hand, reserved=reserved)


def stock_level_from_movements(stock_item: StockItem) -> StockLevel:
    """The item's balance summed from its movement book: what stock_level must always equal (tests, checks)."""
    sums = StockMovement.objects.filter(stock_item=stock_item).aggregate(o=Sum("on_hand_delta"),
                                                                         r=Sum("reserved_delta"))
    return StockLevel(on_hand=sums["o"] or 0, reserved=sums["r"] or 0)


def _lot_free(stock_item: StockItem) -> list[tuple[int, int]]:
    """(lot id, unreserved units on hand) of the item's lots, oldest first, only those with some left."""
    rows = (
        StockMovement.objects.filter(stock_item=stock_item)
        .values("lot_id")
        .annotate(o=Sum("on_hand_delta"), r=Sum("reserved_delta"))
        .order_by("lot_id")
    )
    return [(row["lot_id"], row["o"] - row["r"]) for row in rows if row["o"] - row["r"] > 0]


def _lock_item(workstation: Workstation, item_key: str, *, create: bool = False) -> StockItem:
    item = goods_item(item_key)
    if item is None:
        raise GivingError(GivingErrorCode.UNKNOWN_GOODS_ITEM, field="itemKey")
    if create:
        StockItem.objects.get_or_create(workstation=workstation, category=item.category, item=item.item,
                                        defaults={"unit": item.unit})
    stock_item = (StockItem.objects.select_for_update()
                  .filter(workstation=workstation, category=item.category, item=item.item).first())
    if stock_item is None:
        raise GivingError(GivingErrorCode.INSUFFICIENT_STOCK, field="quantity")
    return stock_item


def _changed(stock_item: StockItem) -> None:
    workstation = stock_item.workstation
    publish.stock_changed(workstation_id=workstation.pk, region_path=workstation.region.path,
                          item_key=stock_item.item_key, on_hand=stock_item.on_hand)


def _move(stock_item: StockItem, *, kind: str, quantity: int, lot_id: int, actor: User | None,
          reservation: StockReservation | None = None, reason: str = "") -> StockMovement:
    table: dict[str, tuple[int, int]] = {
        Kind.RECEIVED: (quantity, 0), Kind.RESERVED: (0, quantity), Kind.RELEASED: (0, -quantity),
        Kind.DISPATCHED: (-quantity, -quantity), Kind.DELIVERED: (0, 0), Kind.WRITTEN_OFF: (-quantity, 0),
    }
    deltas = table[kind]
    movement = StockMovement.objects.create(
        stock_item=stock_item, lot_id=lot_id, reservation=reservation, kind=kind, quantity=quantity,
        on_hand_delta=deltas[0], reserved_delta=deltas[1], reason=reason, actor=actor,
    )
    if deltas != (0, 0):  # the running balance, in this transaction, on the row the caller has locked
        StockItem.objects.filter(pk=stock_item.pk).update(on_hand=F("on_hand") + deltas[0],
                                                          reserved=F("reserved") + deltas[1])
        stock_item.on_hand += deltas[0]
        stock_item.reserved += deltas[1]
    return movement


# --- pledges and receiving --------------------------------------------------------------------------------


def _check_goods(item_key: str, condition: str) -> tuple[str, str, str]:
    item = goods_item(item_key)
    if item is None:
        raise GivingError(GivingErrorCode.UNKNOWN_GOODS_ITEM, field="itemKey")
    if condition not in GoodsCondition.values:
        raise GivingError(GivingErrorCode.INVALID, field="condition")
    return item.category, item.item, item.unit


@transaction.atomic
def goods_pledge_create(
    *, actor: User, workstation_id: int, item_key: str, quantity: int, condition: str, message: str = "",
    anonymous: bool = False, idempotency_key: str,
) -> GoodsDonation:
    """A resident pledges goods for drop-off at a workstation (any workstation: they are public places)."""
    workstation = Workstation.objects.select_related("region").filter(pk=workstation_id).first()
    if workstation is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="workstationId")
    category, item, unit = _check_goods(item_key, condition)
    quantity = _quantity(quantity)
    message = check_text(message, field="message", max_length=500)
    idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=100, required=True)
    existing = GoodsDonation.objects.filter(donor=actor, idempotency_key=idempotency_key).first()
    if existing is not None:
        if (existing.workstation_id, existing.item_key, existing.quantity) != (workstation.pk, item_key, quantity):
            raise GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    pledge = GoodsDonation(
        donor=actor, workstation=workstation, category=category, item=item, unit=unit, condition=condition,
        quantity=quantity, message=message, anonymous=bool(anonymous), idempotency_key=idempotency_key,
    )
    pledge.full_clean()
    pledge.save()
    return pledge


@transaction.atomic
def goods_pledge_cancel(*, actor: User, pledge_id: int) -> GoodsDonation:
    pledge = GoodsDonation.objects.select_for_update().filter(pk=pledge_id, donor=actor).first()
    if pledge is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="pledgeId")
    if pledge.status == GoodsDonation.Status.CANCELED:
        return pledge
    if pledge.status != GoodsDonation.Status.PLEDGED:
        raise GivingError(GivingErrorCode.WRONG_STATE)
    pledge.status = GoodsDonation.Status.CANCELED
    pledge.save(update_fields=["status"])
    return pledge


@transaction.atomic
def goods_receive(
    *, actor: User, workstation_id: int, quantity: int, pledge_id: int | None = None, item_key: str = "",
    condition: str = "", donor_name: str = "", idempotency_key: str = "",
) -> GoodsDonation:
    """Staff take goods into their workstation's stock: a pledged drop-off (pledge_id; the counted quantity
    may differ from the pledge) or a walk-in gift (item_key, condition). Appends a `received` movement."""
    workstation = _staff_workstation(actor, workstation_id)
    quantity = _quantity(quantity)
    if pledge_id is not None:
        pledge = GoodsDonation.objects.select_for_update().filter(pk=pledge_id, workstation=workstation).first()
        if pledge is None:
            raise GivingError(GivingErrorCode.NOT_FOUND, field="pledgeId")
        if pledge.status == GoodsDonation.Status.RECEIVED:
            return pledge
        if pledge.status != GoodsDonation.Status.PLEDGED:
            raise GivingError(GivingErrorCode.WRONG_STATE)
    else:
        category, item, unit = _check_goods(item_key, condition)
        idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=100, required=True)
        key = f"walkin:{actor.pk}:{idempotency_key}"[:100]
        if existing := GoodsDonation.objects.filter(donor__isnull=True, idempotency_key=key).first():
            return existing
        pledge = GoodsDonation(
            donor=None, donor_name=check_text(donor_name, field="donorName", max_length=100), workstation=workstation,
            category=category, item=item, unit=unit, condition=condition, quantity=quantity, idempotency_key=key,
        )
        pledge.full_clean()
        pledge.save()
    now = timezone.now()
    pledge.status = GoodsDonation.Status.RECEIVED
    pledge.received_quantity = quantity
    pledge.received_by = actor
    pledge.received_at = now
    pledge.save(update_fields=["status", "received_quantity", "received_by", "received_at"])
    stock_item = _lock_item(workstation, pledge.item_key, create=True)
    _move(stock_item, kind=Kind.RECEIVED, quantity=quantity, lot_id=pledge.pk, actor=actor)
    trace_add(stage=DonationTraceEvent.Stage.RECEIVED, goods=pledge, at=now, community=None, quantity=quantity,
              detail=workstation.name)
    _changed(stock_item)
    workstation_id, item_key = workstation.pk, stock_item.item_key
    transaction.on_commit(lambda: signals.stock_received.send(StockItem, workstation_id=workstation_id,
                                                              item_key=item_key))
    return pledge


@transaction.atomic
def stock_write_off(
    *, actor: User, workstation_id: int, item_key: str, quantity: int, reason: str
) -> list[StockMovement]:
    """Damaged or expired goods leave the stock with a reason; only unreserved units can be written off."""
    workstation = _staff_workstation(actor, workstation_id)
    quantity = _quantity(quantity)
    reason = check_text(reason, field="reason", max_length=500, required=True)
    stock_item = _lock_item(workstation, item_key)
    if stock_item.available < quantity:  # read under the row lock taken by _lock_item
        raise GivingError(GivingErrorCode.INSUFFICIENT_STOCK, field="quantity")
    moves = []
    left = quantity
    for lot_id, free in _lot_free(stock_item):
        take = min(free, left)
        moves.append(_move(stock_item, kind=Kind.WRITTEN_OFF, quantity=take, lot_id=lot_id, actor=actor,
                           reason=reason))
        left -= take
        if left == 0:
            break
    _changed(stock_item)
    return moves


# --- the services matching calls ----------------------------------------------------------------------------


@transaction.atomic
def stock_reserve(
    *, actor: User | None, workstation_id: int, item_key: str, quantity: int, need_id: int, idempotency_key: str
) -> StockReservation:
    """Reserve `quantity` units of an item at a workstation for a household need (an accepted goods match).

    The (workstation, item) row is locked, so concurrent reservations never take more than is on hand:
    INSUFFICIENT_STOCK when fewer units are available. The units are drawn on the oldest lots first; each
    lot's donor sees "matched" in their trace. A retry with the same idempotency key returns the first
    reservation. actor=None is a trusted system call; otherwise staff over the workstation's region.
    """
    idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=150, required=True)
    workstation = _staff_workstation(actor, workstation_id)
    quantity = _quantity(quantity)
    need = need_info(need_id)
    if need is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="needId")
    stock_item = _lock_item(workstation, item_key)
    if existing := StockReservation.objects.filter(idempotency_key=idempotency_key).first():
        if (existing.stock_item_id, existing.quantity, existing.need_id) != (stock_item.pk, quantity, need_id):
            raise GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    if stock_item.available < quantity:  # read under the row lock taken by _lock_item
        raise GivingError(GivingErrorCode.INSUFFICIENT_STOCK, field="quantity")
    reservation = StockReservation.objects.create(stock_item=stock_item, need_id=need_id, quantity=quantity,
                                                  idempotency_key=idempotency_key, created_by=actor)
    left = quantity
    for lot_id, free in _lot_free(stock_item):
        take = min(free, left)
        _move(stock_item, kind=Kind.RESERVED, quantity=take, lot_id=lot_id, actor=actor, reservation=reservation)
        lot = GoodsDonation.objects.get(pk=lot_id)
        trace_add(stage=DonationTraceEvent.Stage.MATCHED, goods=lot, community=need.community, need_id=need.id,
                  beneficiary=need.label, quantity=take)
        left -= take
        if left == 0:
            break
    _changed(stock_item)
    return reservation


def _reservation(actor: User | None, reservation_id: int) -> StockReservation:
    reservation = (StockReservation.objects.select_for_update(of=("self",))
                   .select_related("stock_item__workstation__region").filter(pk=reservation_id).first())
    if reservation is None:
        raise GivingError(GivingErrorCode.NOT_FOUND, field="reservationId")
    if actor is not None and not access.has_role(actor, [Role.WORKSTATION_STAFF, Role.ADMINISTRATOR],
                                                 reservation.stock_item.workstation.region):
        raise GivingError(GivingErrorCode.NOT_FOUND, field="reservationId")
    return reservation


def _lots_of(reservation: StockReservation) -> list[tuple[int, int]]:
    """(lot id, units) the reservation drew on."""
    rows = (StockMovement.objects.filter(reservation=reservation, kind=Kind.RESERVED)
            .values("lot_id").annotate(q=Sum("quantity")).order_by("lot_id"))
    return [(row["lot_id"], row["q"]) for row in rows]


def _reservation_step(actor: User | None, reservation_id: int, *, to: str, kind: str | None, stage: str | None,
                      allowed_from: tuple[str, ...], stamp: str, note: str = "") -> StockReservation:
    reservation = _reservation(actor, reservation_id)
    if reservation.status == to:
        return reservation
    if reservation.status not in allowed_from:
        raise GivingError(GivingErrorCode.WRONG_STATE)
    # Lock order: the item row after the reservation row, in every path (reserve locks the item only).
    stock_item = StockItem.objects.select_for_update(of=("self",)).select_related("workstation__region").get(
        pk=reservation.stock_item_id)
    need = need_info(reservation.need_id)
    for lot_id, units in _lots_of(reservation):
        if kind is not None:
            _move(stock_item, kind=kind, quantity=units, lot_id=lot_id, actor=actor, reservation=reservation,
                  reason=note)
        if stage is not None:
            trace_add(stage=stage, goods=GoodsDonation.objects.get(pk=lot_id), community=need.community if need
                      else None, need_id=reservation.need_id, beneficiary=need.label if need else "", quantity=units,
                      detail=note)
    reservation.status = to
    setattr(reservation, stamp, timezone.now())
    reservation.save(update_fields=["status", stamp])
    _changed(stock_item)
    return reservation


@transaction.atomic
def stock_release(*, actor: User | None, reservation_id: int, reason: str = "") -> StockReservation:
    """Give reserved units back to the available stock (the match fell through)."""
    reason = check_text(reason, field="reason", max_length=500)
    return _reservation_step(actor, reservation_id, to=StockReservation.Status.RELEASED, kind=Kind.RELEASED,
                             stage=DonationTraceEvent.Stage.RELEASED, allowed_from=(StockReservation.Status.RESERVED,),
                             stamp="released_at", note=reason)


@transaction.atomic
def stock_dispatch(*, actor: User | None, reservation_id: int) -> StockReservation:
    """The reserved goods left the workstation for the household: on-hand and reserved both go down."""
    return _reservation_step(actor, reservation_id, to=StockReservation.Status.DISPATCHED, kind=Kind.DISPATCHED,
                             stage=DonationTraceEvent.Stage.DISPATCHED,
                             allowed_from=(StockReservation.Status.RESERVED,), stamp="dispatched_at")


@transaction.atomic
def stock_deliver(*, actor: User | None, reservation_id: int, note: str = "") -> StockReservation:
    """The household received the goods: the trace's last step (a zero-quantity movement records it)."""
    note = check_text(note, field="note", max_length=500)
    return _reservation_step(actor, reservation_id, to=StockReservation.Status.DELIVERED, kind=Kind.DELIVERED,
                             stage=DonationTraceEvent.Stage.DELIVERED,
                             allowed_from=(StockReservation.Status.DISPATCHED,), stamp="delivered_at",
                             note=note or _("已送达"))
