"""The database itself refuses to change or remove transfers, entries and seals."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ledger import api
from ledger.models import Entry, Transfer

from .conftest import Book

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_transfer SET amount = amount + 1",
        "DELETE FROM ledger_transfer",
        "UPDATE ledger_entry SET posted = 0",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_transfer SET memo = '{}'::jsonb WHERE id = (SELECT max(id) FROM ledger_transfer)",
    ],
)
def test_it_refuses_raw_sql_updates_and_deletes(book: Book, sql: str) -> None:
    # given a posted transfer
    posted = book.fund(book.alice, 60)
    # when raw SQL tries to change or delete transfers or entries
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    # then the rows are as posted
    assert Transfer.objects.get(id=posted.transfer_id).amount == 60
    assert Entry.objects.filter(transfer_id=posted.transfer_id).count() == 2


def test_it_refuses_orm_updates_and_deletes(book: Book) -> None:
    posted = book.fund(book.alice, 60)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Transfer.objects.filter(id=posted.transfer_id).update(code="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.filter(transfer_id=posted.transfer_id).delete()
    # balances are not append-only: they change with every transfer (closing changes a flag)
    api.account_close(account_id=book.bob.id)
    assert api.balance(book.alice.id).posted == 60


def test_it_refuses_to_delete_an_account(book: Book) -> None:
    # accounts are closed, never deleted: transfers and entries point at them without a foreign key
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_account WHERE id = %s", [book.carol.id])
    assert api.account_get("t-carol") is not None
