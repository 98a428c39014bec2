"""Money gifts: online (Stripe PaymentIntent, succeeded only by the signed webhook) and offline (staff record),
both through the same success path: ledger posting, receipt number, trace, receipt email, notification."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huzhu.core.errors import MAX_FEN, check_text
from huzhu.giving import publish, signals, stripe_gateway
from huzhu.giving.errors import GivingError, GivingErrorCode
from huzhu.giving.models import Donation, DonationRefund, DonationTraceEvent, Fund
from huzhu.giving.targets import need_info, project_info
from huzhu.people import access
from huzhu.people.models import Role, User, Workstation

from .funds import Earmark, clearing_account_id, donation_free_fen, fund_for_earmark, ledger_transfer
from .trace import trace_add

MAX_MESSAGE = 500


def check_donation_amount(amount_fen: object, *, maximum: int) -> int:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= maximum:
        raise GivingError(GivingErrorCode.INVALID_AMOUNT, field="amountFen", params={"max": maximum})
    return amount_fen


def check_currency(currency: str | None) -> str:
    if (currency or "CNY").strip().upper() != "CNY":
        raise GivingError(GivingErrorCode.CURRENCY_NOT_SUPPORTED, field="currency")
    return "CNY"


def _same_request(donation: Donation, *, amount_fen: int, fund: Fund, message: str, anonymous: bool) -> bool:
    return (donation.amount_fen, donation.fund_id, donation.message, donation.anonymous) == (
        amount_fen, fund.pk, message, anonymous)


def receipt_number_next(year: int) -> str:
    """HZ<year><6-digit serial>, gapless per year: the counter row is locked by its UPDATE until commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO giving_receiptcounter (year, last) VALUES (%s, 0) ON CONFLICT (year) DO NOTHING", [year]
        )
        cursor.execute("UPDATE giving_receiptcounter SET last = last + 1 WHERE year = %s RETURNING last", [year])
        serial = cursor.fetchone()[0]
    return f"HZ{year}{serial:06d}"


def earmark_label(fund: Fund) -> str:
    """What the gift is for, as donors and the receipt say it (never a household's identity)."""
    if fund.kind == Fund.Kind.GENERAL:
        return _("慈善总基金(非定向)")
    if fund.kind == Fund.Kind.PROJECT:
        project = project_info(fund.project_id)
        return _("慈善项目:%(name)s") % {"name": project.name if project else f"#{fund.project_id}"}
    if fund.kind == Fund.Kind.CATEGORY:
        from huzhu.giving.taxonomy import NeedCategory

        return _("定向:%(name)s") % {"name": NeedCategory(fund.category).label}
    if fund.kind == Fund.Kind.REGION:
        return _("定向:%(name)s") % {"name": fund.region.name if fund.region else ""}
    need = need_info(fund.need_id)
    return _("定向:%(name)s") % {"name": need.label if need else _("困难家庭需求")}


@transaction.atomic
def donation_create(
    *, actor: User, amount_fen: int, currency: str = "CNY", message: str = "", anonymous: bool = False,
    earmark: Earmark | None = None, idempotency_key: str,
) -> Donation:
    """Start an online gift: a pending Donation and its Stripe PaymentIntent (the client secret goes to the
    web app's Payment Element). It becomes succeeded only when Stripe's signed webhook says so.

    Raises ONLINE_PAYMENT_DISABLED without STRIPE_SECRET_KEY, INVALID_AMOUNT (not 1 … 99,999,999 fen),
    CURRENCY_NOT_SUPPORTED (not CNY), EARMARK_INVALID, PAYMENT_PROVIDER_ERROR (Stripe unreachable: nothing is
    written). The same idempotency key with the same request returns the first donation.
    """
    if not stripe_gateway.online_payment_enabled():
        raise GivingError(GivingErrorCode.ONLINE_PAYMENT_DISABLED)
    amount_fen = check_donation_amount(amount_fen, maximum=stripe_gateway.STRIPE_MAX_AMOUNT_FEN)
    check_currency(currency)
    message = check_text(message, field="message", max_length=MAX_MESSAGE)
    idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=100, required=True)
    fund = fund_for_earmark(earmark)
    existing = Donation.objects.filter(donor=actor, idempotency_key=idempotency_key).first()
    if existing is not None:
        if not _same_request(existing, amount_fen=amount_fen, fund=fund, message=message, anonymous=anonymous):
            raise GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    donation = Donation(donor=actor, channel=Donation.Channel.ONLINE, amount_fen=amount_fen, message=message,
                        anonymous=bool(anonymous), fund=fund, idempotency_key=idempotency_key)
    donation.full_clean()
    donation.save()
    intent = stripe_gateway.create_payment_intent(
        amount_fen=amount_fen, metadata={"donation_id": str(donation.pk), "fund": fund.key},
        idempotency_key=f"huzhu-donation-{donation.pk}",
    )
    donation.stripe_payment_intent_id = intent.id
    donation.stripe_client_secret = intent.client_secret or ""
    donation.save(update_fields=["stripe_payment_intent_id", "stripe_client_secret"])
    return donation


def donation_succeed(donation: Donation, *, at: datetime | None = None, announce: bool = True) -> Donation:
    """The one success path (webhook or staff record), inside the caller's transaction, donation row locked:
    post clearing → fund, give the receipt number, trace received → earmarked, queue the receipt email,
    tell the donor (`announce=False`: no email, no notification — the demo loader)."""
    at = at or timezone.now()
    donation.income_transfer_id = ledger_transfer(
        client_id=f"giving:donation:{donation.pk}", debit_account_id=clearing_account_id(donation.channel),
        credit_account_id=donation.fund.ledger_account_id, amount=donation.amount_fen, code="giving.donation",
        memo={"donation": donation.pk},
    )
    donation.status = Donation.Status.SUCCEEDED
    donation.succeeded_at = at
    if not donation.receipt_number:
        donation.receipt_number = receipt_number_next(timezone.localtime(at).year)
    donation.save(update_fields=["income_transfer_id", "status", "succeeded_at", "receipt_number"])
    trace_add(stage=DonationTraceEvent.Stage.RECEIVED, donation=donation, at=at, amount_fen=donation.amount_fen,
              detail=str(Donation.Channel(donation.channel).label))
    fund = donation.fund
    with translation.override("zh-hans"):  # stored text is written in the first language
        label = str(earmark_label(fund))
    trace_add(stage=DonationTraceEvent.Stage.EARMARKED, donation=donation, at=at, amount_fen=donation.amount_fen,
              community=fund.region if fund.kind == Fund.Kind.REGION else None, project_id=fund.project_id,
              need_id=fund.need_id, beneficiary=label)
    donation_id, fund_kind, project_id = donation.pk, fund.kind, fund.project_id
    transaction.on_commit(lambda: signals.donation_succeeded.send(
        Donation, donation_id=donation_id, fund_kind=fund_kind, project_id=project_id))
    if not announce:
        return donation
    from huzhu.giving import tasks

    tasks.send_receipt_email.defer(donation_id=donation.pk)
    if donation.donor is not None:
        with translation.override(donation.donor.language or "zh-hans"):
            _notify_succeeded(donation)
    return donation


def _notify_succeeded(donation: Donation) -> None:
    from huzhu.giving.amounts import yuan

    publish.notify(
        user=donation.donor, kind="donation_succeeded", title=publish.donation_succeeded_title(),
        body=_("捐赠金额 ¥%(amount)s,票据号 %(number)s。") % {"amount": yuan(donation.amount_fen),
                                                          "number": donation.receipt_number},
        link=f"/giving/donations/{donation.pk}", data={"donation_id": donation.pk},
    )


def _workstation_for(actor: User, workstation_id: int) -> Workstation:
    workstation = Workstation.objects.select_related("region").filter(pk=workstation_id).first()
    if workstation is None or not access.has_role(actor, [Role.WORKSTATION_STAFF, Role.ADMINISTRATOR],
                                                  workstation.region):
        raise GivingError(GivingErrorCode.NOT_FOUND, field="workstationId")
    return workstation


@transaction.atomic
def offline_donation_record(
    *, actor: User, workstation_id: int, channel: str, amount_fen: int, donor_name: str = "",
    donor_email: str = "", message: str = "", anonymous: bool = False, earmark: Earmark | None = None,
    receipt_number: str = "", external_reference: str = "", idempotency_key: str, announce: bool = True,
) -> Donation:
    """Staff record cash or a bank transfer received at their workstation: succeeded at once, same ledger
    posting, trace and receipt as an online gift. `receipt_number` is the paper receipt's number when one was
    written (unique), else one is issued. A donor email of a registered user links the gift to their account.

    Raises NOT_FOUND for a workstation outside the actor's region (like one that does not exist),
    INVALID (channel), INVALID_AMOUNT, RECEIPT_NUMBER_TAKEN, EARMARK_INVALID.
    """
    workstation = _workstation_for(actor, workstation_id)
    if channel not in (Donation.Channel.CASH, Donation.Channel.BANK_TRANSFER):
        raise GivingError(GivingErrorCode.INVALID, field="channel")
    amount_fen = check_donation_amount(amount_fen, maximum=MAX_FEN)
    donor_name = check_text(donor_name, field="donorName", max_length=100)
    donor_email = check_text(donor_email, field="donorEmail", max_length=200).lower()
    message = check_text(message, field="message", max_length=MAX_MESSAGE)
    receipt_number = check_text(receipt_number, field="receiptNumber", max_length=40)
    external_reference = check_text(external_reference, field="externalReference", max_length=100)
    idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=100, required=True)
    fund = fund_for_earmark(earmark)
    linked_key = f"offline:{actor.pk}:{idempotency_key}"[:100]
    existing = Donation.objects.filter(
        Q(donor__isnull=True, idempotency_key=idempotency_key) | Q(idempotency_key=linked_key), recorded_by=actor
    ).first()
    if existing is not None:
        if not _same_request(existing, amount_fen=amount_fen, fund=fund, message=message, anonymous=anonymous):
            raise GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    if receipt_number and Donation.objects.filter(receipt_number=receipt_number).exists():
        raise GivingError(GivingErrorCode.RECEIPT_NUMBER_TAKEN, field="receiptNumber")
    donor = User.objects.filter(email__iexact=donor_email).first() if donor_email else None
    donation = Donation(
        donor=donor, donor_name=donor_name or (str(donor) if donor else ""), channel=channel,
        amount_fen=amount_fen, message=message, anonymous=bool(anonymous), fund=fund,
        idempotency_key=idempotency_key, recorded_by=actor, region=workstation.region,
        receipt_number=receipt_number or None, external_reference=external_reference,
    )
    if donor is not None:
        # The donor's own key space must not collide with their online gifts' keys.
        donation.idempotency_key = linked_key
    donation.full_clean()
    donation.save()
    donation_succeed(donation, announce=announce)
    if announce and donor is None and donor_email:
        from huzhu.giving import tasks

        tasks.send_receipt_email.defer(donation_id=donation.pk, to=donor_email)
    return donation


def _can_refund(actor: User, donation: Donation) -> bool:
    if access.has_role(actor, Role.ADMINISTRATOR):
        return True
    return donation.region is not None and access.has_role(actor, Role.WORKSTATION_STAFF, donation.region)


def _post_refund(donation: Donation, *, amount_fen: int, key: str, source: str, reason: str = "",
                 actor: User | None = None, stripe_refund_id: str = "") -> DonationRefund:
    refund = DonationRefund.objects.create(donation=donation, amount_fen=amount_fen, source=source, key=key,
                                           reason=reason, created_by=actor, stripe_refund_id=stripe_refund_id)
    from ledger import api

    try:
        result = api.reverse(client_id=f"giving:refund:{refund.pk}", transfer_id=int(donation.income_transfer_id or 0),
                             amount=amount_fen, memo={"donation": donation.pk, "refund": refund.pk})
    except api.LedgerError as exc:
        if exc.code in ("EXCEEDS_CREDITS", "REVERSAL_EXCEEDS_ORIGINAL"):
            raise GivingError(GivingErrorCode.REFUND_EXCEEDS_HELD, field="amountFen")
        raise GivingError(GivingErrorCode.CONFLICT, str(exc.message))
    refund.ledger_transfer_id = result.transfer_id
    refund.save(update_fields=["ledger_transfer_id"])
    donation.refunded_fen += amount_fen
    donation.save(update_fields=["refunded_fen"])
    trace_add(stage=DonationTraceEvent.Stage.REFUNDED, donation=donation, amount_fen=amount_fen, detail=reason)
    return refund


@transaction.atomic
def donation_refund(
    *, actor: User, donation_id: int, amount_fen: int, reason: str = "", idempotency_key: str
) -> DonationRefund:
    """Refund (part of) a succeeded gift: Stripe refunds an online one; the ledger posts a reversal of its
    income transfer at once. Only what the gift still holds in its fund can be refunded: money already held
    for or paid to a need or project is not (REFUND_EXCEEDS_HELD).

    Administrators refund any gift; workstation staff the offline gifts recorded in their region.
    """
    donation = (Donation.objects.select_for_update(of=("self",)).select_related("fund")
                .filter(pk=donation_id).first())
    if donation is None or not _can_refund(actor, donation):
        raise GivingError(GivingErrorCode.NOT_FOUND, field="donationId")
    idempotency_key = check_text(idempotency_key, field="idempotencyKey", max_length=100, required=True)
    key = f"staff:{actor.pk}:{idempotency_key}"
    if existing := DonationRefund.objects.filter(key=key).first():
        if existing.donation_id != donation.pk or existing.amount_fen != amount_fen:
            raise GivingError(GivingErrorCode.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    if donation.status != Donation.Status.SUCCEEDED:
        raise GivingError(GivingErrorCode.NOT_REFUNDABLE)
    amount_fen = check_donation_amount(amount_fen, maximum=MAX_FEN)
    reason = check_text(reason, field="reason", max_length=500)
    if amount_fen > donation_free_fen(donation):
        raise GivingError(GivingErrorCode.REFUND_EXCEEDS_HELD, field="amountFen")
    stripe_refund_id = ""
    if donation.channel == Donation.Channel.ONLINE:
        refund = stripe_gateway.create_refund(
            payment_intent_id=donation.stripe_payment_intent_id or "", amount_fen=amount_fen,
            metadata={"donation_id": str(donation.pk)}, idempotency_key=f"huzhu-refund-{key}"[:255],
        )
        stripe_refund_id = refund.id
    return _post_refund(donation, amount_fen=amount_fen, key=key, source=DonationRefund.Source.STAFF,
                        reason=reason, actor=actor, stripe_refund_id=stripe_refund_id)


def stripe_refund_apply(donation: Donation, *, amount_refunded: int, charge_id: str) -> str:
    """Stripe says `amount_refunded` (cumulative) of the gift's charge has been refunded. Post what we have not
    yet posted; what the fund no longer holds (already disbursed) is recorded as unposted for a person to
    settle. Cumulative, so duplicate and out-of-order refund events post each fen once."""
    already = donation.refunded_fen + donation.refund_unposted_fen
    delta = min(amount_refunded, donation.amount_fen) - already
    if delta <= 0:
        return "already_applied"
    free = max(0, donation_free_fen(donation))
    posted = min(delta, free)
    if posted:
        _post_refund(donation, amount_fen=posted, key=f"stripe:{charge_id}:{already + posted}",
                     source=DonationRefund.Source.STRIPE, reason="Stripe 退款")
    if delta > posted:
        donation.refund_unposted_fen += delta - posted
        donation.save(update_fields=["refund_unposted_fen"])
        return "partially_applied"
    return "applied"
