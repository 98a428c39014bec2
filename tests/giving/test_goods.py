"""Goods: pledge → receive into stock → reserve → dispatch → deliver, the stock book, and concurrency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from huzhu.core.errors import ServiceError
from huzhu.giving import selectors, services
from huzhu.giving.models import GoodsDonation, StockMovement, StockReservation
from tests.conftest import gid
from tests.giving.conftest import make_need

PLEDGE = """
mutation($ws: ID!, $item: String!, $qty: Int!) {
  goodsPledgeCreate(workstationId: $ws, itemKey: $item, quantity: $qty, condition: like_new, idempotencyKey: "p1") {
    pledge { id itemName status quantity } errors { field code message }
  }
}"""
RECEIVE = """
mutation($ws: ID!, $pledge: ID, $qty: Int!, $item: String, $key: String) {
  goodsReceive(workstationId: $ws, pledgeId: $pledge, quantity: $qty, itemKey: $item, condition: new,
               idempotencyKey: $key) {
    pledge { id status receivedQuantity } errors { field code }
  }
}"""
STOCK = "query($ws: ID!) { stock(workstationId: $ws) { itemKey name onHand reserved available } }"


@pytest.fixture
def goods_need(regions: Any, workstations: Any) -> Any:
    return make_need(regions["north_c1"], workstations["north"], kind="goods", goods_category="clothing",
                     goods_item="棉被", quantity=3)


def _receive(actor: Any, ws: Any, qty: int, key: str, item: str = "clothes_bedding/quilt") -> GoodsDonation:
    return services.goods_receive(actor=actor, workstation_id=ws.pk, quantity=qty, item_key=item, condition="new",
                                  idempotency_key=key)


def test_it_takes_a_pledge_into_stock_and_traces_it_to_the_household(
        gql, dora_donor, alice_staff_north, workstations, goods_need):
    ws = workstations["north"]
    # given dora pledges 4 quilts for drop-off at the north workstation
    out = gql(PLEDGE, {"ws": gid(ws, "Workstation"), "item": "clothes_bedding/quilt", "qty": 4},
              as_user=dora_donor)["goodsPledgeCreate"]
    assert out["errors"] == [] and out["pledge"]["itemName"] == "棉被" and out["pledge"]["status"] == "pledged"
    # when alice receives them (she counts 3)
    received = gql(RECEIVE, {"ws": gid(ws, "Workstation"), "pledge": out["pledge"]["id"], "qty": 3},
                   as_user=alice_staff_north)["goodsReceive"]
    assert received["errors"] == [] and received["pledge"]["receivedQuantity"] == 3
    stock = gql(STOCK, {"ws": gid(ws, "Workstation")}, as_user=alice_staff_north)["stock"]
    assert stock == [{"itemKey": "clothes_bedding/quilt", "name": "棉被", "onHand": 3, "reserved": 0, "available": 3}]
    # and matching reserves 2 for the need, which are dispatched and delivered
    assert [o.item_key for o in selectors.stock_candidates_for_need(need_id=goods_need.pk)] == ["clothes_bedding/quilt"]
    reservation = services.stock_reserve(actor=alice_staff_north, workstation_id=ws.pk,
                                         item_key="clothes_bedding/quilt", quantity=2, need_id=goods_need.pk,
                                         idempotency_key="m1")
    services.stock_dispatch(actor=alice_staff_north, reservation_id=reservation.pk)
    services.stock_deliver(actor=alice_staff_north, reservation_id=reservation.pk, note="已签收")
    # then on-hand is the sum of the movements: 3 received − 2 dispatched
    stock = gql(STOCK, {"ws": gid(ws, "Workstation")}, as_user=alice_staff_north)["stock"]
    assert stock[0] | {} == {"itemKey": "clothes_bedding/quilt", "name": "棉被", "onHand": 1, "reserved": 0,
                             "available": 1}
    assert list(StockMovement.objects.order_by("id").values_list("kind", flat=True)) == [
        "received", "reserved", "dispatched", "delivered"]
    # and dora's trace shows the path with the community and the anonymised household, never a name
    mine = gql("{ myPledges { goods { status trace { stage communityName beneficiary quantity } } } }",
               as_user=dora_donor)["myPledges"]["goods"][0]
    assert [s["stage"] for s in mine["trace"]] == ["received", "matched", "dispatched", "delivered"]
    assert mine["trace"][-1]["communityName"] == "北街道1社区"
    assert "低保家庭" in mine["trace"][-1]["beneficiary"]


def test_it_never_reserves_more_than_on_hand_under_concurrency(transactional_db, alice_staff_north, workstations,
                                                               goods_need):
    # given 5 quilts in two lots
    ws = workstations["north"]
    _receive(alice_staff_north, ws, 2, "lot1")
    _receive(alice_staff_north, ws, 3, "lot2")
    results: list[str] = []
    barrier = threading.Barrier(12)

    def reserve(i: int) -> None:
        try:
            barrier.wait()
            services.stock_reserve(actor=None, workstation_id=ws.pk, item_key="clothes_bedding/quilt", quantity=1,
                                   need_id=goods_need.pk, idempotency_key=f"t{i}")
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    # when 12 threads each reserve one at the same moment
    threads = [threading.Thread(target=reserve, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then exactly 5 succeed, the rest are told there is not enough stock, and nothing went negative
    assert sorted(results) == ["INSUFFICIENT_STOCK"] * 7 + ["ok"] * 5
    level = services.stock_level(StockReservation.objects.first().stock_item)
    assert (level.on_hand, level.reserved, level.available) == (5, 5, 0)
    # and no lot was over-drawn
    for lot in GoodsDonation.objects.all():
        drawn = sum(StockMovement.objects.filter(lot=lot, kind="reserved").values_list("quantity", flat=True))
        assert drawn <= lot.received_quantity


def test_it_releases_a_reservation_back_to_available(alice_staff_north, workstations, goods_need):
    ws = workstations["north"]
    _receive(alice_staff_north, ws, 2, "l")
    reservation = services.stock_reserve(actor=alice_staff_north, workstation_id=ws.pk,
                                         item_key="clothes_bedding/quilt", quantity=2, need_id=goods_need.pk,
                                         idempotency_key="r")
    with pytest.raises(ServiceError) as exc:
        services.stock_reserve(actor=alice_staff_north, workstation_id=ws.pk, item_key="clothes_bedding/quilt",
                               quantity=1, need_id=goods_need.pk, idempotency_key="r2")
    assert exc.value.code == "INSUFFICIENT_STOCK"
    services.stock_release(actor=alice_staff_north, reservation_id=reservation.pk, reason="家庭已获得")
    assert services.stock_level(reservation.stock_item).available == 2
    # a released reservation cannot be dispatched
    with pytest.raises(ServiceError) as exc:
        services.stock_dispatch(actor=alice_staff_north, reservation_id=reservation.pk)
    assert exc.value.code == "WRONG_STATE"


def test_it_writes_off_only_with_a_reason_and_only_what_is_free(alice_staff_north, workstations):
    ws = workstations["north"]
    _receive(alice_staff_north, ws, 2, "l", item="food_grain_oil/rice")
    with pytest.raises(ServiceError) as exc:
        services.stock_write_off(actor=alice_staff_north, workstation_id=ws.pk, item_key="food_grain_oil/rice",
                                 quantity=1, reason=" ")
    assert exc.value.code == "REQUIRED"
    with pytest.raises(ServiceError) as exc:
        services.stock_write_off(actor=alice_staff_north, workstation_id=ws.pk, item_key="food_grain_oil/rice",
                                 quantity=3, reason="受潮")
    assert exc.value.code == "INSUFFICIENT_STOCK"
    services.stock_write_off(actor=alice_staff_north, workstation_id=ws.pk, item_key="food_grain_oil/rice",
                             quantity=1, reason="受潮")
    assert StockMovement.objects.filter(kind="written_off", reason="受潮").count() == 1


def test_it_hides_another_streets_stock_and_refuses_its_staff(gql, carol_staff_south, alice_staff_north,
                                                              workstations, goods_need):
    ws = workstations["north"]
    _receive(alice_staff_north, ws, 2, "l")
    body = gql.raw(STOCK, {"ws": gid(ws, "Workstation")}, as_user=carol_staff_south)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    out = gql(RECEIVE, {"ws": gid(ws, "Workstation"), "qty": 1, "item": "clothes_bedding/quilt", "key": "x"},
              as_user=carol_staff_south)["goodsReceive"]
    assert out["errors"][0]["code"] == "NOT_FOUND"
    with pytest.raises(ServiceError) as exc:
        services.stock_reserve(actor=carol_staff_south, workstation_id=ws.pk, item_key="clothes_bedding/quilt",
                               quantity=1, need_id=goods_need.pk, idempotency_key="c")
    assert exc.value.code == "NOT_FOUND"
    assert StockMovement.objects.count() == 1


def test_it_refuses_bad_goods_input_and_writes_nothing(gql, dora_donor, workstations):
    ws = gid(workstations["north"], "Workstation")
    for item, qty, code in (("medicine/aspirin", 1, "UNKNOWN_GOODS_ITEM"), ("clothes_bedding/quilt", 0, "OUT_OF_RANGE"),
                            ("clothes_bedding/quilt", -3, "OUT_OF_RANGE"),
                            ("clothes_bedding/quilt", 10**6, "OUT_OF_RANGE")):
        out = gql(PLEDGE, {"ws": ws, "item": item, "qty": qty}, as_user=dora_donor)["goodsPledgeCreate"]
        assert out["errors"][0]["code"] == code, item
    assert GoodsDonation.objects.count() == 0


def test_it_pledges_a_service_for_matching(gql, dora_donor, regions):
    mutation = """mutation($region: ID!, $minutes: Int!) {
      servicePledgeCreate(serviceType: haircut, minutesPerMonth: $minutes, regionId: $region,
                          description: "每月理发", idempotencyKey: "s1") {
        pledge { id serviceType minutesPerMonth active region { name } } errors { field code }
      }
    }"""
    bad = gql(mutation, {"region": gid(regions["north"], "Region"), "minutes": 0}, as_user=dora_donor)
    assert bad["servicePledgeCreate"]["errors"][0]["code"] == "OUT_OF_RANGE"
    out = gql(mutation, {"region": gid(regions["north"], "Region"), "minutes": 480},
              as_user=dora_donor)["servicePledgeCreate"]
    assert out["errors"] == [] and out["pledge"]["minutesPerMonth"] == 480
    # matching finds it for a haircut need in a north community, not in the south
    assert selectors.service_pledges_for(service_type="haircut", region=regions["north_c1_g1"]).count() == 1
    assert selectors.service_pledges_for(service_type="haircut", region=regions["south_c1"]).count() == 0
    mine = gql("{ myPledges { services { serviceType active } } }", as_user=dora_donor)["myPledges"]["services"]
    assert mine == [{"serviceType": "haircut", "active": True}]


def test_it_lists_movements_and_pledges_for_staff_of_the_street_only(gql, dora_donor, alice_staff_north,
                                                                    carol_staff_south, workstations):
    ws = workstations["north"]
    pledge = services.goods_pledge_create(actor=dora_donor, workstation_id=ws.pk, item_key="stationery/school_bag",
                                          quantity=2, condition="new", idempotency_key="p")
    services.goods_receive(actor=alice_staff_north, workstation_id=ws.pk, quantity=2, pledge_id=pledge.pk)
    query = """query($ws: ID!) {
      stockMovements(workstationId: $ws, first: 10) { totalCount edges { node { kind itemKey quantity onHandDelta } } }
      workstationGoodsPledges(workstationId: $ws, first: 10) { totalCount edges { node { itemName status } } }
    }"""
    data = gql(query, {"ws": gid(ws, "Workstation")}, as_user=alice_staff_north)
    assert data["stockMovements"]["edges"][0]["node"] == {"kind": "received", "itemKey": "stationery/school_bag",
                                                         "quantity": 2, "onHandDelta": 2}
    assert data["workstationGoodsPledges"]["edges"][0]["node"] == {"itemName": "书包", "status": "received"}
    body = gql.raw(query, {"ws": gid(ws, "Workstation")}, as_user=carol_staff_south)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (body.get("data") or {}).get("stockMovements") is None
