"""Personal data: encrypted at rest, decrypted only by personal_data_read with exactly one audit row per read,
never in any donor or volunteer response."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from huzhu.core.errors import ServiceError
from huzhu.households import personal as crypto
from huzhu.households.models import HouseholdPersonal, PersonalDataAccess
from huzhu.households.services import personal_data_read, personal_data_update
from tests.conftest import gid

PERSONAL_QUERY = """query($id: ID!, $fields: [PersonalDataField!]) {
  householdPersonalData(id: $id, purpose: "电话回访", fields: $fields) {
    personalData { headName idNumber phone address memberNames } errors { field code message } } }"""

# Every query a donor or volunteer can send, asking for every field the schema offers them.
DONOR_QUERIES = [
    ("""query { openNeeds(first: 50) { totalCount edges { node { id kind amountFen goodsCategory goodsItem quantity
        serviceType minutes urgent status openedAt household { id category tags headAgeBand memberCount
        communityName } } } } }""", {}),
    ("""query { households(first: 50) { totalCount edges { node { id category members { relation } } } } }""", {}),
    ("""query($id: ID!) { household(id: $id) { id category } }""", "north"),
    (PERSONAL_QUERY, "north"),
    ("""query { needs(first: 50) { totalCount edges { node { id description household { id } } } } }""", {}),
    ("""query { overdueVisits { community { name } count households { id } } }""", {}),
]


def _values(personal: dict[str, Any]) -> list[str]:
    return [personal["head_name"], personal["id_number"], personal["phone"], personal["address"],
            *personal["member_names"]]


def test_it_stores_personal_data_only_as_ciphertext(north_household: Any, north_personal: dict[str, Any]) -> None:
    # the raw table row contains none of the plaintext values
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM households_householdpersonal WHERE household_id = %s", [north_household.id])
        raw = json.dumps([str(v) for v in cursor.fetchone()], ensure_ascii=False)
    for value in _values(north_personal):
        assert value not in raw
    # and the ID number's hash is keyed: not a plain SHA-256 of the number
    import hashlib

    row = HouseholdPersonal.objects.get(household=north_household)
    assert row.id_number_hmac != hashlib.sha256(north_personal["id_number"].encode()).hexdigest()
    assert row.id_number_hmac == crypto.id_number_hmac(north_personal["id_number"])


def test_it_reads_personal_data_with_exactly_one_audit_row(
    north_household: Any, north_personal: dict[str, Any], alice_staff_north: Any
) -> None:
    before = PersonalDataAccess.objects.filter(operation="read").count()
    data = personal_data_read(actor=alice_staff_north, household=north_household,
                              fields=["head_name", "phone"], purpose="电话回访")
    assert data == {"head_name": north_personal["head_name"], "phone": north_personal["phone"]}
    rows = list(PersonalDataAccess.objects.filter(operation="read"))
    assert len(rows) == before + 1
    assert (rows[-1].actor, rows[-1].household, rows[-1].fields, rows[-1].purpose) == (
        alice_staff_north, north_household, ["head_name", "phone"], "电话回访")


@pytest.mark.parametrize("fields", [[], ["head_name", "salary"], ["password"]])
def test_it_refuses_unknown_or_no_fields_without_an_audit_row(
    north_household: Any, alice_staff_north: Any, fields: list[str]
) -> None:
    with pytest.raises(ServiceError) as exc:
        personal_data_read(actor=alice_staff_north, household=north_household, fields=fields, purpose="x")
    assert exc.value.field == "fields"
    assert not PersonalDataAccess.objects.filter(operation="read").exists()


def test_it_requires_a_purpose(north_household: Any, alice_staff_north: Any) -> None:
    for purpose, code in (("", "REQUIRED"), ("  ", "REQUIRED"), ("为什么" * 100, "TOO_LONG")):
        with pytest.raises(ServiceError) as exc:
            personal_data_read(actor=alice_staff_north, household=north_household, fields=["phone"], purpose=purpose)
        assert (exc.value.code, exc.value.field) == (code, "purpose")
    assert not PersonalDataAccess.objects.filter(operation="read").exists()


def test_it_refuses_reads_by_other_streets_volunteers_and_donors(
    north_household: Any, carol_staff_south: Any, bob_volunteer_north: Any, dora_donor: Any, rita_reviewer: Any
) -> None:
    for actor in (carol_staff_south, bob_volunteer_north, dora_donor, rita_reviewer):
        with pytest.raises(ServiceError) as exc:
            personal_data_read(actor=actor, household=north_household, fields=["address"], purpose="curious")
        assert exc.value.code == "NOT_FOUND"
    assert not PersonalDataAccess.objects.filter(operation="read").exists()


def test_it_lets_a_service_that_checked_its_team_read_an_address_audited(
    north_household: Any, north_personal: dict[str, Any], bob_volunteer_north: Any
) -> None:
    # volunteering, having checked bob is on task 42's team, reveals the address for that task only
    data = personal_data_read(actor=bob_volunteer_north, household=north_household, fields=["address"],
                              purpose="task:42", allow=True)
    assert data == {"address": north_personal["address"]}
    row = PersonalDataAccess.objects.get(operation="read")
    assert (row.actor, row.purpose, row.fields) == (bob_volunteer_north, "task:42", ["address"])


def test_each_staff_read_through_graphql_adds_exactly_one_audit_row(
    gql: Any, north_household: Any, north_personal: dict[str, Any], alice_staff_north: Any,
    sam_social_worker_north: Any, ada_admin: Any,
) -> None:
    # given three people allowed to read the north household's personal data
    for n, reader in enumerate((alice_staff_north, sam_social_worker_north, ada_admin), start=1):
        # when each reads it once
        data = gql(PERSONAL_QUERY, {"id": gid(north_household, "Household")}, as_user=reader)
        result = data["householdPersonalData"]
        # then they get it, and the audit log grew by exactly one row naming them, the fields and the purpose
        assert result["errors"] == []
        assert result["personalData"]["idNumber"] == north_personal["id_number"]
        assert result["personalData"]["memberNames"] == north_personal["member_names"]
        reads = PersonalDataAccess.objects.filter(operation="read").order_by("id")
        assert reads.count() == n
        assert (reads.last().actor, reads.last().purpose) == (reader, "电话回访")
        assert reads.last().fields == ["head_name", "id_number", "phone", "address", "member_names"]


def test_it_audits_only_the_fields_asked_for(gql: Any, north_household: Any, alice_staff_north: Any) -> None:
    data = gql(PERSONAL_QUERY, {"id": gid(north_household, "Household"), "fields": ["PHONE"]},
               as_user=alice_staff_north)["householdPersonalData"]["personalData"]
    assert data["phone"] and data["headName"] is None and data["idNumber"] is None
    assert PersonalDataAccess.objects.get(operation="read").fields == ["phone"]


def test_the_household_list_never_decrypts_or_audits(
    gql: Any, north_household: Any, north_personal: dict[str, Any], alice_staff_north: Any
) -> None:
    body = gql.raw("""query { households(first: 10) { edges { node { id members { relation } needs { id }
        duplicateFlags { message } } } } }""", as_user=alice_staff_north)
    text = json.dumps(body, ensure_ascii=False)
    for value in _values(north_personal):
        assert value not in text
    assert not PersonalDataAccess.objects.filter(operation="read").exists()


@pytest.mark.parametrize("persona", ["bob_volunteer_north", "dave_volunteer_south", "dora_donor", "rita_reviewer"])
def test_no_donor_or_volunteer_response_contains_personal_data(
    request: pytest.FixtureRequest, gql: Any, north_household: Any, south_household: Any, north_need: Any,
    south_need: Any, north_personal: dict[str, Any], south_personal: dict[str, Any], persona: str,
) -> None:
    # given households with open needs whose staff description even names the head
    user = request.getfixturevalue(persona)
    secrets = _values(north_personal) + _values(south_personal)
    open_needs_seen = 0
    # when a donor or volunteer sends every query the schema offers, asking for every field
    for query, variables in DONOR_QUERIES:
        if variables == "north":
            variables = {"id": gid(north_household, "Household")}
        body = gql.raw(query, variables, as_user=user)
        text = json.dumps(body, ensure_ascii=False)
        # then no response contains a name, ID number, phone or address
        for secret in secrets:
            assert secret not in text, (query, secret)
        if "openNeeds" in (body.get("data") or {}):
            open_needs_seen = body["data"]["openNeeds"]["totalCount"]
    # and they did see open needs, anonymised (the test does not pass merely because everything was empty)
    assert open_needs_seen >= 1
    assert not PersonalDataAccess.objects.filter(operation="read").exists()


def test_it_rotates_keys_and_still_decrypts(north_household: Any, north_personal: dict[str, Any],
                                            alice_staff_north: Any, settings: Any) -> None:
    # given data encrypted under the old key, when a new key is put first
    old_keys = list(settings.PERSONAL_DATA_KEYS)
    with override_settings(PERSONAL_DATA_KEYS=["a-brand-new-key", *old_keys]):
        data = personal_data_read(actor=alice_staff_north, household=north_household, fields=["phone"], purpose="t")
        assert data["phone"] == north_personal["phone"]
        row = HouseholdPersonal.objects.get(household=north_household)
        rotated = crypto.rotate_token(row.phone_enc)
    # then a token rotated to the new key cannot be read with the old keys alone
    from cryptography.fernet import InvalidToken

    with pytest.raises(InvalidToken):
        crypto.decrypt(rotated)
    with override_settings(PERSONAL_DATA_KEYS=["a-brand-new-key"]):
        assert crypto.decrypt(rotated) == north_personal["phone"]


def test_it_updates_personal_data_audited_as_a_write(
    north_household: Any, alice_staff_north: Any, carol_staff_south: Any
) -> None:
    personal_data_update(actor=alice_staff_north, household=north_household, phone="021-64001234")
    row = PersonalDataAccess.objects.filter(operation="write").order_by("id").last()
    assert row.fields == ["phone"] and row.actor == alice_staff_north
    assert personal_data_read(actor=alice_staff_north, household=north_household, fields=["phone"],
                              purpose="check")["phone"] == "021-64001234"
    with pytest.raises(ServiceError) as exc:
        personal_data_update(actor=carol_staff_south, household=north_household, phone="13911112222")
    assert exc.value.code == "PERMISSION_DENIED"


def test_the_rotate_command_moves_every_token_to_the_new_key(
    north_household: Any, south_household: Any, north_personal: dict[str, Any], alice_staff_north: Any,
    settings: Any,
) -> None:
    from io import StringIO

    from django.core.management import call_command

    # given data under the old key, when a new key is put first and the command runs
    old_keys = list(settings.PERSONAL_DATA_KEYS)
    settings.PERSONAL_DATA_KEYS = ["the-next-key", *old_keys]
    out = StringIO()
    call_command("personal_data_rotate", stdout=out)
    assert "2 households" in out.getvalue()
    # then the old key can be dropped and everything still decrypts
    settings.PERSONAL_DATA_KEYS = ["the-next-key"]
    data = personal_data_read(actor=alice_staff_north, household=north_household,
                              fields=["head_name", "member_names"], purpose="after rotation")
    assert data == {"head_name": north_personal["head_name"], "member_names": north_personal["member_names"]}
