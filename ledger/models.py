"""The ledger's tables: accounts (with their balances), transfers, entries, seals.

Transfers and entries are append-only: triggers (migration 0001_squashed_0011) refuse UPDATE and DELETE on them.
Accounts (their balance columns and the closed flag) and the open-pending index are the only rows that change.
Every write goes through the PL/pgSQL functions ledger_create_transfers and ledger_transfer_one (migration
0001_squashed_0011, whose docstring says why each is written as it is); nothing here saves transfers through
the ORM.

The references from transfers and entries to accounts and transfers carry no database FOREIGN KEY constraint:
Django makes them DEFERRABLE INITIALLY DEFERRED, and six referential checks per transfer at commit cost more
than the whole posting. They hold anyway: the posting function writes only rows that reference accounts it
has locked and transfers it has read or is inserting, accounts cannot be deleted (a trigger refuses it),
transfers and entries cannot be deleted (append-only), and `huzhu ledger verify` reports any dangling one.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Ledger(models.TextChoices):
    TIME = "TIME", _("时间(分钟)")
    CNY = "CNY", _("人民币(分)")


class Account(models.Model):
    """One account in one ledger. Its four balance columns are updated in the same transaction as the entries."""

    ledger = models.CharField(max_length=8, choices=Ledger.choices)
    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200, blank=True, default="")
    group = models.CharField(max_length=100, blank=True, default="", db_column="account_group")
    debits_must_not_exceed_credits = models.BooleanField(default=True)
    credits_must_not_exceed_debits = models.BooleanField(default=False)
    credit_limit = models.BigIntegerField(null=True, blank=True)
    closed = models.BooleanField(default=False)
    debits_posted = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    debits_pending = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_account"
        indexes = [models.Index(fields=["group"], name="ledger_account_group_idx", condition=~Q(group=""))]
        constraints = [
            models.CheckConstraint(
                condition=Q(debits_posted__gte=0)
                & Q(credits_posted__gte=0)
                & Q(debits_pending__gte=0)
                & Q(credits_pending__gte=0),
                name="ledger_account_balances_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(credit_limit__isnull=True) | Q(credit_limit__gte=0), name="ledger_account_credit_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.ledger})"


class Phase(models.TextChoices):
    POSTED = "posted", _("已入账")
    PENDING = "pending", _("冻结中")
    POST = "post", _("冻结转入账")
    VOID = "void", _("冻结撤销")
    EXPIRE = "expire", _("冻结过期")


class Transfer(models.Model):
    """A movement of `amount` from the debit account to the credit account. Never updated, never deleted.

    A pending transfer holds the amount; its resolution (post, void, expire) is a NEW transfer whose `pending`
    points at it (unique: a pending transfer is resolved at most once). A correction is a new transfer whose
    `reverses` points at the transfer it corrects. `txid` (the inserting transaction's id, a bigint column
    added in SQL) lets the sealer know which transfers are surely committed.
    """

    client_id = models.CharField(max_length=128, unique=True, db_collation="C")
    request_hash = models.BinaryField(max_length=16)
    ledger = models.CharField(max_length=8, choices=Ledger.choices)
    debit_account = models.ForeignKey(Account, models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    credit_account = models.ForeignKey(Account, models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    amount = models.BigIntegerField()
    code = models.CharField(max_length=32, blank=True, default="")
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.POSTED)
    pending = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )
    reverses = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    memo = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "ledger_transfer"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="ledger_transfer_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(debit_account=models.F("credit_account")), name="ledger_transfer_two_accounts"
            ),
            models.UniqueConstraint(
                fields=["pending"], condition=Q(pending__isnull=False), name="ledger_transfer_resolved_once"
            ),
        ]
        indexes = [models.Index(fields=["reverses"], name="ledger_transfer_reverses_idx",
                                condition=Q(reverses__isnull=False))]

    def __str__(self) -> str:
        return f"#{self.pk} {self.phase} {self.amount} {self.ledger}"


class Entry(models.Model):
    """One side of a transfer on one account: what it added to the posted and pending columns.

    `posted` is never negative; `pending` is negative when a hold is released (post, void, expire). Both sides
    of a transfer carry the same two numbers, so its entries sum to zero. The primary key (transfer, side)
    keeps a transfer's entries together in the index that verify and the sealer read in transfer order.
    """

    pk = models.CompositePrimaryKey("transfer_id", "is_debit")
    transfer = models.ForeignKey(Transfer, models.PROTECT, related_name="entries", db_index=False, db_constraint=False)
    account = models.ForeignKey(Account, models.PROTECT, related_name="entries", db_index=False, db_constraint=False)
    is_debit = models.BooleanField()
    posted = models.BigIntegerField(default=0)
    pending = models.BigIntegerField(default=0)

    class Meta:
        db_table = "ledger_entry"
        indexes = [models.Index(fields=["account", "-transfer"], name="ledger_entry_account_idx")]


class OpenPending(models.Model):
    """Pending transfers with a timeout that are not yet resolved: the only place expiry has to look.

    Mutable on purpose (a row is deleted when its transfer is resolved); the transfers themselves never change.
    """

    transfer = models.OneToOneField(Transfer, models.PROTECT, primary_key=True, related_name="+")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "ledger_open_pending"


class Seal(models.Model):
    """A block of the hash chain: every transfer whose transaction id lies in [xid_from, xid_to), in id order.

    Transaction ids, not transfer ids, bound a block: when the sealer runs, every transaction below its
    snapshot's xmin has finished, so no transfer can later appear inside a sealed block (a transfer id
    allocated earlier may commit later). `ids` and `digests` (32 bytes each, sha256 of the transfer and its
    entries) let verify name the exact transfer that changed; hash = sha256(prev_hash || digests).
    """

    xid_from = models.BigIntegerField()
    xid_to = models.BigIntegerField()
    transfer_count = models.IntegerField()
    ids = ArrayField(models.BigIntegerField())
    digests = models.BinaryField()
    prev_hash = models.BinaryField()
    hash = models.BinaryField()
    # How each transfer's digest was computed: 1 = sha256 of a text form of the transfer and its entries (the
    # first seals), 2 = sha256 of the binary form of the transfer row alone (entries are checked against the
    # transfers and the balances instead, which verify does per account in one pass).
    encoding = models.SmallIntegerField(default=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_seal"
        constraints = [models.UniqueConstraint(fields=["xid_from"], name="ledger_seal_chain_unique")]
