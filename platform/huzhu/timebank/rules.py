"""Reading the administrator's rules and what follows from them (stars, redemption age)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import TimeBankMember, TimeBankRules


def rules_get() -> TimeBankRules:
    """The rules row, created with the defaults the first time anyone asks."""
    rules = TimeBankRules.objects.filter(pk=1).first()
    if rules is not None:
        return rules
    try:
        with transaction.atomic():
            return TimeBankRules.objects.create(pk=1)
    except IntegrityError:  # created concurrently
        return TimeBankRules.objects.get(pk=1)


@dataclass(frozen=True)
class StarLevel:
    stars: int
    next_star_at: int | None  # cumulative earned minutes for the next star; None at the top


def star_level(earned_minutes: int, rules: TimeBankRules) -> StarLevel:
    thresholds = rules.star_thresholds()
    stars = sum(1 for t in thresholds if earned_minutes >= t)
    return StarLevel(stars=stars, next_star_at=thresholds[stars] if stars < len(thresholds) else None)


def age_this_year(member: TimeBankMember) -> int | None:
    if member.birth_year is None:
        return None
    return timezone.localdate().year - member.birth_year


def redemption_age_for(member: TimeBankMember, rules: TimeBankRules) -> int:
    return rules.hardship_redemption_age if member.hardship else rules.redemption_age
