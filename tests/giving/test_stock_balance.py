"""The running stock balance on StockItem (on_hand, reserved) equals the sum of the movement book after every
kind of movement, the database refuses a balance that over-draws, and the migration's backfill rebuilds it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from huzhu.core.errors import ServiceError
from huzhu.giving import selectors, services
from huzhu.giving.models import StockItem, StockMovement
from tests.giving.conftest import make_need

QUILT = "clothes_bedding/quilt"


@pytest.fixture
def goods_need(regions: Any, workstations: Any) -> Any:
    return make_need(regions["north_c1"], workstations["north"], kind="goods", goods_category="clothing",
                     goods_item="棉被", quantity=1)


def _receive(actor: Any, ws: Any, qty: int, key: str, item: str = QUILT) -> None:
    services.goods_receive(actor=actor, workstation_id=ws.pk, quantity=qty, item_key=item, condition="new",
                           idempotency_key=key)


def _balance(item: StockItem) -> tuple[int, int]:
    level = services.stock_level(item)
    return level.on_hand, level.reserved


def _book(item: StockItem) -> tuple[int, int]:
    level = services.stock_level_from_movements(item)
    return level.on_hand, level.reserved


def test_the_balance_equals_the_movement_sum_after_every_kind_of_movement(alice_staff_north, workstations,
                                                                           goods_need):
    ws = workstations["north"]
    seen: list[tuple[str, tuple[int, int]]] = []

    def check(step: str) -> None:
        item = StockItem.objects.get(workstation=ws, category="clothes_bedding", item="quilt")
        assert _balance(item) == _book(item), step
        assert selectors.stock_balance_drift() == [], step
        seen.append((step, _balance(item)))

    # received in two lots
    _receive(alice_staff_north, ws, 4, "lot1")
    check("received")
    _receive(alice_staff_north, ws, 3, "lot2")
    check("received again")
    # reserved across both lots (5 of 4 + 3), released, reserved again, dispatched, delivered
    first = services.stock_reserve(actor=alice_staff_north, workstation_id=ws.pk, item_key=QUILT, quantity=5,
                                   need_id=goods_need.pk, idempotency_key="r1")
    check("reserved")
    services.stock_release(actor=alice_staff_north, reservation_id=first.pk, reason="家庭已获得")
    check("released")
    second = services.stock_reserve(actor=alice_staff_north, workstation_id=ws.pk, item_key=QUILT, quantity=2,
                                    need_id=goods_need.pk, idempotency_key="r2")
    check("reserved again")
    services.stock_dispatch(actor=alice_staff_north, reservation_id=second.pk)
    check("dispatched")
    services.stock_deliver(actor=alice_staff_north, reservation_id=second.pk, note="已签收")
    check("delivered")
    # written off (only free units)
    services.stock_write_off(actor=alice_staff_north, workstation_id=ws.pk, item_key=QUILT, quantity=2, reason="受潮")
    check("written off")
    # a retried reservation (same idempotency key) and a refused one change nothing
    services.stock_reserve(actor=alice_staff_north, workstation_id=ws.pk, item_key=QUILT, quantity=2,
                           need_id=goods_need.pk, idempotency_key="r2")
    with pytest.raises(ServiceError) as exc:
        services.stock_reserve(actor=alice_staff_north, workstation_id=ws.pk, item_key=QUILT, quantity=4,
                               need_id=goods_need.pk, idempotency_key="r3")
    assert exc.value.code == "INSUFFICIENT_STOCK"
    check("retried and refused")
    assert [balance for _step, balance in seen] == [(4, 0), (7, 0), (7, 5), (7, 0), (7, 2), (5, 0), (5, 0),
                                                    (3, 0), (3, 0)]
    assert set(StockMovement.objects.values_list("kind", flat=True)) == set(StockMovement.Kind.values)
    # and the stock list and matching's candidates read the same balance
    assert [(r.on_hand, r.reserved, r.available) for r in selectors.stock_rows(workstation=ws)] == [(3, 0, 3)]
    offers = selectors.stock_candidates_for_need(need_id=goods_need.pk)
    assert [(o.workstation_id, o.item_key, o.available) for o in offers] == [(ws.pk, QUILT, 3)]


def test_a_failed_service_leaves_balance_and_book_as_they_were(alice_staff_north, workstations, goods_need):
    ws = workstations["north"]
    _receive(alice_staff_north, ws, 2, "lot1")
    item = StockItem.objects.get(workstation=ws)
    with pytest.raises(ServiceError):
        services.stock_write_off(actor=alice_staff_north, workstation_id=ws.pk, item_key=QUILT, quantity=3,
                                 reason="受潮")
    with pytest.raises(ServiceError):
        services.stock_reserve(actor=alice_staff_north, workstation_id=ws.pk, item_key=QUILT, quantity=3,
                               need_id=goods_need.pk, idempotency_key="too-many")
    assert _balance(item) == _book(item) == (2, 0)


def test_the_database_refuses_a_balance_that_over_draws(alice_staff_north, workstations):
    ws = workstations["north"]
    _receive(alice_staff_north, ws, 2, "lot1")
    item = StockItem.objects.get(workstation=ws)
    for on_hand, reserved in ((2, 3), (-1, 0), (2, -1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            StockItem.objects.filter(pk=item.pk).update(on_hand=on_hand, reserved=reserved)
    assert _balance(item) == (2, 0)


def test_only_items_with_available_units_in_reach_are_candidates(alice_staff_north, carol_staff_south, regions,
                                                                   workstations, goods_need):
    north, south = workstations["north"], workstations["south"]
    _receive(alice_staff_north, north, 1, "lot1")
    _receive(alice_staff_north, north, 5, "rice", item="food_grain_oil/rice")  # not what the need asks for
    _receive(carol_staff_south, south, 2, "south")
    # every north quilt reserved: no candidate (the south street's quilts are out of the need's reach)
    services.stock_reserve(actor=None, workstation_id=north.pk, item_key=QUILT, quantity=1, need_id=goods_need.pk,
                           idempotency_key="all")
    assert selectors.stock_candidates_for_need(need_id=goods_need.pk) == []
    # a new lot makes it one again; the district reaches the south street's two
    _receive(alice_staff_north, north, 1, "lot2")
    assert [(o.workstation_id, o.available) for o in selectors.stock_candidates_for_need(need_id=goods_need.pk)] \
        == [(north.pk, 1)]
    offers = selectors.stock_candidates_for_need(need_id=goods_need.pk, region=regions["district"])
    assert [(o.workstation_id, o.available) for o in offers] == [(south.pk, 2), (north.pk, 1)]


def test_the_backfill_rebuilds_the_balance_from_the_book(alice_staff_north, workstations, goods_need):
    from importlib import import_module

    backfill = import_module("huzhu.giving.migrations.0002_stock_balance").BACKFILL
    ws = workstations["north"]
    _receive(alice_staff_north, ws, 5, "lot1")
    _receive(alice_staff_north, ws, 2, "rice", item="food_grain_oil/rice")
    reservation = services.stock_reserve(actor=None, workstation_id=ws.pk, item_key=QUILT, quantity=3,
                                         need_id=goods_need.pk, idempotency_key="r")
    services.stock_dispatch(actor=None, reservation_id=reservation.pk)
    services.stock_reserve(actor=None, workstation_id=ws.pk, item_key=QUILT, quantity=1, need_id=goods_need.pk,
                           idempotency_key="r2")
    expected = dict(StockItem.objects.values_list("pk", "on_hand"))
    # as the migration finds a database of before the balance: every balance zero
    StockItem.objects.update(on_hand=0, reserved=0)
    with connection.cursor() as cursor:
        cursor.execute(backfill)
    assert selectors.stock_balance_drift() == []
    assert dict(StockItem.objects.values_list("pk", "on_hand")) == expected
    assert sorted(StockItem.objects.values_list("on_hand", "reserved")) == [(2, 0), (2, 1)]


def test_concurrent_reservations_and_write_offs_keep_the_balance_exact(transactional_db, alice_staff_north,
                                                                       workstations, goods_need):
    # given 6 quilts in three lots
    ws = workstations["north"]
    for i in range(3):
        _receive(alice_staff_north, ws, 2, f"lot{i}")
    results: list[str] = []
    barrier = threading.Barrier(10)

    def take(i: int) -> None:
        try:
            barrier.wait()
            if i % 2:
                services.stock_write_off(actor=alice_staff_north, workstation_id=ws.pk, item_key=QUILT, quantity=1,
                                         reason="破损")
            else:
                services.stock_reserve(actor=None, workstation_id=ws.pk, item_key=QUILT, quantity=1,
                                       need_id=goods_need.pk, idempotency_key=f"c{i}")
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    # when 5 reservations and 5 write-offs of one unit race
    threads = [threading.Thread(target=take, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then exactly 6 units were taken, never more, and the balance is the book's sum
    assert sorted(results) == ["INSUFFICIENT_STOCK"] * 4 + ["ok"] * 6
    item = StockItem.objects.get(workstation=ws)
    assert _balance(item) == _book(item)
    assert services.stock_level(item).available == 0
    assert selectors.stock_balance_drift() == []
