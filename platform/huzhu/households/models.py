"""Households (困难家庭), their members, needs, visits, and their personal data kept apart and encrypted.

What is where, and why:
- `Household` and `HouseholdMember` hold only what may be shown anonymised or to frontline staff: region,
  category, vulnerability tags, age bands, sexes, relations. No name, ID number, phone or address.
- `HouseholdPersonal` holds the personal data (head's name, ID number, phone, address, members' names), each
  field a Fernet token (see personal.py); only `services.personal_data_read` decrypts, and it writes one
  `PersonalDataAccess` row per call. `id_number_hmac` is a keyed hash of the normalised ID number so the same
  person registered by two streets can be found without decrypting anything.
- `DuplicateFlag` says "this household's head was also registered in street X on date D": it names the other
  street and date only, so reading a flag never touches the other street's household.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    MINIMUM_LIVING = "minimum_living", _("低保")
    EXTREME_POVERTY = "extreme_poverty", _("特困")
    MARGINAL_LOW_INCOME = "marginal_low_income", _("低边")
    EXPENDITURE_POVERTY = "expenditure_poverty", _("支出型贫困")


class Tag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    EMPTY_NEST = "empty_nest", _("空巢老人")
    DISABLED_ELDERLY = "disabled_elderly", _("失能老人")
    DEMENTIA = "dementia", _("失智老人")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("困境儿童")
    ORPHAN_DISABLED_CHILD = "orphan_disabled_child", _("孤残儿童")
    SEVERE_DISABILITY = "severe_disability", _("重残")
    SERIOUS_ILLNESS = "serious_illness", _("重病")
    POOR_STUDENT = "poor_student", _("贫困在校生")


# Key groups (重点对象) must be visited every month (月探访率 100%).
KEY_GROUP_TAGS: tuple[str, ...] = (
    Tag.ELDERLY_ALONE,
    Tag.DISABLED_ELDERLY,
    Tag.DEMENTIA,
    Tag.CHILD_IN_DIFFICULTY,
    Tag.ORPHAN_DISABLED_CHILD,
    Tag.EMPTY_NEST,
    Tag.SEVERE_DISABILITY,
)


class AgeBand(models.TextChoices):
    AGE_0_5 = "age_0_5", _("0–5 岁")
    AGE_6_17 = "age_6_17", _("6–17 岁")
    AGE_18_39 = "age_18_39", _("18–39 岁")
    AGE_40_59 = "age_40_59", _("40–59 岁")
    AGE_60_69 = "age_60_69", _("60–69 岁")
    AGE_70_79 = "age_70_79", _("70–79 岁")
    AGE_80_PLUS = "age_80_plus", _("80 岁及以上")


class Sex(models.TextChoices):
    FEMALE = "female", _("女")
    MALE = "male", _("男")
    UNKNOWN = "unknown", _("未登记")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    GRANDCHILD = "grandchild", _("孙子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class EconomicCheckStatus(models.TextChoices):
    """家庭经济状况核对: the means test behind the category, repeated periodically."""

    NOT_CHECKED = "not_checked", _("未核对")
    IN_PROGRESS = "in_progress", _("核对中")
    PASSED = "passed", _("核对通过")
    FAILED = "failed", _("核对未通过")


class Household(models.Model):
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="households", verbose_name=_("社区/网格")
    )
    category = models.CharField(_("救助类别"), max_length=32, choices=Category.choices)
    tags = ArrayField(models.CharField(max_length=32, choices=Tag.choices), default=list, blank=True,
                      verbose_name=_("困难标签"))
    registered_by = models.ForeignKey(
        "people.Workstation", on_delete=models.PROTECT, related_name="households", verbose_name=_("登记工作站")
    )
    economic_check_status = models.CharField(
        _("经济状况核对"), max_length=16, choices=EconomicCheckStatus.choices,
        default=EconomicCheckStatus.NOT_CHECKED,
    )
    checked_at = models.DateField(_("核对日期"), null=True, blank=True)
    next_check_due = models.DateField(_("下次核对"), null=True, blank=True)
    # Set when another street registered the same ID number; details in DuplicateFlag.
    possible_duplicate = models.BooleanField(_("疑似重复救助"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("困难家庭")
        verbose_name_plural = _("困难家庭")
        indexes = [GinIndex(fields=["tags"], name="household_tags_gin"), models.Index(fields=["category"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_check_due__isnull=True) | Q(checked_at__isnull=True)
                | Q(next_check_due__gte=models.F("checked_at")),
                name="household_next_check_after_check",
            ),
        ]

    def __str__(self) -> str:
        return f"household #{self.pk}"


class HouseholdMember(models.Model):
    """A member without personal data: relation, age band, sex, tags. Names live in HouseholdPersonal."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField(default=0)  # index into HouseholdPersonal.member_names
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    age_band = models.CharField(_("年龄段"), max_length=16, choices=AgeBand.choices)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    tags = ArrayField(models.CharField(max_length=32, choices=Tag.choices), default=list, blank=True)

    class Meta:
        ordering = ["household_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["household", "position"], name="member_position_unique"),
            models.UniqueConstraint(fields=["household"], condition=Q(relation="head"), name="member_one_head"),
        ]

    def __str__(self) -> str:
        return f"{self.relation} of household #{self.household_id}"


class HouseholdPersonal(models.Model):
    """Personal data, each field a Fernet token. Decrypt only through services.personal_data_read."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, primary_key=True, related_name="personal")
    head_name_enc = models.TextField()
    id_number_enc = models.TextField()
    phone_enc = models.TextField()
    address_enc = models.TextField()
    member_names_enc = models.TextField()  # a JSON list, aligned with HouseholdMember.position
    id_number_hmac = models.CharField(max_length=64, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("家庭个人信息(加密)")
        verbose_name_plural = _("家庭个人信息(加密)")

    def __str__(self) -> str:  # never the plaintext
        return f"personal data of household #{self.household_id}"

    def __repr__(self) -> str:
        return f"<HouseholdPersonal household={self.household_id}>"


class DuplicateFlag(models.Model):
    """`household`'s head ID number was also registered in `other_street` (by its workstation) on that date."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="duplicate_flags")
    other_household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    other_street = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    other_registered_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "other_household"], name="duplicateflag_unique"),
        ]

    def __str__(self) -> str:
        return f"household #{self.household_id} ~ #{self.other_household_id}"


class NeedKind(models.TextChoices):
    MONEY = "money", _("钱款")
    GOODS = "goods", _("物资")
    SERVICE = "service", _("服务")


class GoodsCategory(models.TextChoices):
    FOOD = "food", _("食品粮油")
    CLOTHING = "clothing", _("衣物被褥")
    APPLIANCE = "appliance", _("家电")
    MOBILITY_AID = "mobility_aid", _("助行辅具")
    MEDICAL = "medical", _("医疗护理用品")
    DAILY_NECESSITIES = "daily_necessities", _("日用品")
    SCHOOL_SUPPLIES = "school_supplies", _("学习用品")
    OTHER = "other", _("其他")


class ServiceType(models.TextChoices):
    """Service needs; the values are the volunteer skills that can meet them (people.VolunteerProfile.skills)."""

    HOME_VISIT = "home_visit", _("上门探访")
    CLEANING = "cleaning", _("清洁整理")
    MEAL_DELIVERY = "meal_delivery", _("助餐送餐")
    HOSPITAL_ESCORT = "hospital_escort", _("陪同就医")
    HAIRCUT = "haircut", _("理发")
    TUTORING = "tutoring", _("课业辅导")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("心理疏导")
    LEGAL_ADVICE = "legal_advice", _("法律咨询")
    REPAIR = "repair", _("家电维修")
    FIRST_AID = "first_aid", _("应急救护")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待对接")
    PROPOSED = "proposed", _("已提出匹配")
    MATCHED = "matched", _("已匹配")
    FULFILLED = "fulfilled", _("已完成")
    CLOSED = "closed", _("已关闭")


# The only status changes need_set_status accepts. A rejected proposal or a match that fell through goes back
# to open; fulfilled is final; a closed need can be reopened.
NEED_TRANSITIONS: dict[str, frozenset[str]] = {
    NeedStatus.OPEN: frozenset({NeedStatus.PROPOSED, NeedStatus.MATCHED, NeedStatus.CLOSED}),
    NeedStatus.PROPOSED: frozenset({NeedStatus.OPEN, NeedStatus.MATCHED, NeedStatus.CLOSED}),
    NeedStatus.MATCHED: frozenset({NeedStatus.OPEN, NeedStatus.FULFILLED, NeedStatus.CLOSED}),
    NeedStatus.FULFILLED: frozenset(),
    NeedStatus.CLOSED: frozenset({NeedStatus.OPEN}),
}


class Need(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("类型"), max_length=16, choices=NeedKind.choices)
    amount_fen = models.BigIntegerField(_("金额(分)"), null=True, blank=True)
    goods_category = models.CharField(_("物资类别"), max_length=32, choices=GoodsCategory.choices, blank=True)
    goods_item = models.CharField(_("物资"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), null=True, blank=True)
    service_type = models.CharField(_("服务类型"), max_length=32, choices=ServiceType.choices, blank=True)
    minutes = models.PositiveIntegerField(_("服务时长(分钟)"), null=True, blank=True)
    urgent = models.BooleanField(_("救急难"), default=False)
    description = models.TextField(_("说明"), blank=True)  # staff-only: may mention circumstances
    status = models.CharField(_("状态"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField()  # when it (last) became open: the queue order within urgency
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        indexes = [models.Index(fields=["status", "urgent", "opened_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="money", amount_fen__gt=0, quantity__isnull=True, minutes__isnull=True)
                    | Q(kind="goods", quantity__gt=0, amount_fen__isnull=True, minutes__isnull=True)
                    & ~Q(goods_item="")
                    | Q(kind="service", minutes__gt=0, amount_fen__isnull=True, quantity__isnull=True)
                    & ~Q(service_type="")
                ),
                name="need_details_match_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"need #{self.pk} ({self.kind})"


class NeedStatusChange(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=16, choices=NeedStatus.choices, blank=True)  # blank: created
    to_status = models.CharField(max_length=16, choices=NeedStatus.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["need_id", "at", "id"]

    def __str__(self) -> str:
        return f"need #{self.need_id}: {self.from_status or '-'} → {self.to_status}"


class Visit(models.Model):
    """探访: a social worker's, staff member's or volunteer's visit to a household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits")
    visitor = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("探访时间"))
    notes = models.TextField(_("探访记录"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["household", "-visited_at"])]

    def __str__(self) -> str:
        return f"visit to household #{self.household_id}"


class PersonalDataAccess(models.Model):
    """The audit log: one row per read (or write) of a household's personal data."""

    class Operation(models.TextChoices):
        READ = "read", _("查看")
        WRITE = "write", _("写入")

    actor = models.ForeignKey("people.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    fields = ArrayField(models.CharField(max_length=32))
    operation = models.CharField(max_length=8, choices=Operation.choices, default=Operation.READ)
    purpose = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        indexes = [models.Index(fields=["household", "at"]), models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.operation} {self.fields} of household #{self.household_id} by {self.actor_id}"
