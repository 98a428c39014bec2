/**
 * Labels for the schema's enums, [zh-Hans, English]. Each table is typed `Record<Enum, …>` on the generated
 * enum, so a value the backend adds fails `tsc` until it has a label here.
 */
import type {
  EconomicCheckStatus,
  HouseholdAgeBand,
  HouseholdCategory,
  HouseholdMemberSex,
  HouseholdRelation,
  HouseholdTag,
  NeedGoodsCategory,
  NeedKind,
  NeedServiceType,
  MatchProposalStatus,
  NeedStatus,
  Role,
  ServiceTaskStatus,
  VolunteeringServiceType,
} from '../gql/graphql';
import type { Lang } from './language';

type Labels<E extends string> = Record<E, readonly [string, string]>;

export const CATEGORY: Labels<HouseholdCategory> = {
  minimum_living: ['低保', 'Minimum living allowance'],
  extreme_poverty: ['特困', 'Extreme poverty'],
  marginal_low_income: ['低边', 'Marginal low income'],
  expenditure_poverty: ['支出型贫困', 'Expenditure poverty'],
};

export const TAG: Labels<HouseholdTag> = {
  elderly_alone: ['独居老人', 'Elderly living alone'],
  empty_nest: ['空巢老人', 'Empty-nest elderly'],
  disabled_elderly: ['失能老人', 'Disabled elderly'],
  dementia: ['失智老人', 'Dementia'],
  child_in_difficulty: ['困境儿童', 'Child in difficulty'],
  orphan_disabled_child: ['孤残儿童', 'Orphaned or disabled child'],
  severe_disability: ['重残', 'Severe disability'],
  serious_illness: ['重病', 'Serious illness'],
  poor_student: ['贫困在校生', 'Student in poverty'],
};

export const AGE_BAND: Labels<HouseholdAgeBand> = {
  age_0_5: ['0–5 岁', '0–5'],
  age_6_17: ['6–17 岁', '6–17'],
  age_18_39: ['18–39 岁', '18–39'],
  age_40_59: ['40–59 岁', '40–59'],
  age_60_69: ['60–69 岁', '60–69'],
  age_70_79: ['70–79 岁', '70–79'],
  age_80_plus: ['80 岁以上', '80+'],
};

export const RELATION: Labels<HouseholdRelation> = {
  head: ['户主', 'Head'],
  spouse: ['配偶', 'Spouse'],
  child: ['子女', 'Child'],
  grandchild: ['孙子女', 'Grandchild'],
  parent: ['父母', 'Parent'],
  grandparent: ['祖父母', 'Grandparent'],
  sibling: ['兄弟姐妹', 'Sibling'],
  other: ['其他', 'Other'],
};

export const SEX: Labels<HouseholdMemberSex> = {
  female: ['女', 'Female'],
  male: ['男', 'Male'],
  unknown: ['未填', 'Not given'],
};

export const ECONOMIC_CHECK: Labels<EconomicCheckStatus> = {
  not_checked: ['未核对', 'Not checked'],
  in_progress: ['核对中', 'In progress'],
  passed: ['已通过', 'Passed'],
  failed: ['未通过', 'Failed'],
};

export const NEED_KIND: Labels<NeedKind> = {
  money: ['钱款', 'Money'],
  goods: ['物资', 'Goods'],
  service: ['服务', 'Service'],
};

export const NEED_STATUS: Labels<NeedStatus> = {
  open: ['待对接', 'Open'],
  proposed: ['已建议', 'Proposed'],
  matched: ['已对接', 'Matched'],
  fulfilled: ['已完成', 'Fulfilled'],
  closed: ['已关闭', 'Closed'],
};

export const GOODS_CATEGORY: Labels<NeedGoodsCategory> = {
  food: ['食品粮油', 'Food'],
  clothing: ['衣物被褥', 'Clothing and bedding'],
  appliance: ['家电', 'Appliances'],
  mobility_aid: ['助行辅具', 'Mobility aids'],
  medical: ['医疗用品', 'Medical supplies'],
  daily_necessities: ['日用品', 'Daily necessities'],
  school_supplies: ['学习用品', 'School supplies'],
  other: ['其他', 'Other'],
};

export const SERVICE_TYPE: Labels<NeedServiceType> = {
  home_visit: ['上门探访', 'Home visit'],
  cleaning: ['保洁', 'Cleaning'],
  meal_delivery: ['送餐', 'Meal delivery'],
  hospital_escort: ['陪同就医', 'Hospital escort'],
  haircut: ['理发', 'Haircut'],
  tutoring: ['课业辅导', 'Tutoring'],
  psychological_support: ['心理疏导', 'Psychological support'],
  legal_advice: ['法律咨询', 'Legal advice'],
  repair: ['维修', 'Repairs'],
  first_aid: ['急救', 'First aid'],
};

export const ROLE: Labels<Role> = {
  administrator: ['管理员', 'Administrator'],
  workstation_staff: ['工作站人员', 'Workstation staff'],
  social_worker: ['社工', 'Social worker'],
  volunteer: ['志愿者', 'Volunteer'],
  donor: ['捐赠人', 'Donor'],
  foundation_reviewer: ['基金会评审', 'Foundation reviewer'],
};

/** The label of `value` in `table` for `lang`; an unknown value (a newer server) shows as itself. */
export function label<E extends string>(table: Labels<E>, value: E | null | undefined, lang: Lang): string {
  if (value == null) return '';
  const entry = table[value];
  return entry ? entry[lang === 'en' ? 1 : 0] : String(value);
}

/** Options for an antd Select over the enum, in the table's order. */
export function options<E extends string>(table: Labels<E>, lang: Lang): { value: E; label: string }[] {
  return (Object.keys(table) as E[]).map((value) => ({ value, label: label(table, value, lang) }));
}

export const MATCH_STATUS: Labels<MatchProposalStatus> = {
  proposed: ['待审核', 'Proposed'],
  accepted: ['已接受', 'Accepted'],
  rejected: ['已拒绝', 'Rejected'],
  superseded: ['已失效', 'Superseded'],
  dispatched: ['已发放', 'Dispatched'],
  delivered: ['已送达', 'Delivered'],
};

/** Score components of a match proposal (`ScoreComponent.code`); unknown codes show as themselves. */
export const SCORE_COMPONENT: Record<string, readonly [string, string]> = {
  urgent: ['救急难', 'Urgent'],
  category: ['救助类别', 'Category'],
  waited: ['等待时长', 'Waiting time'],
  same_community: ['同社区', 'Same community'],
  same_street: ['同街道', 'Same street'],
  donor_preference: ['符合捐赠人意向', "Donor's preference"],
  recent_help: ['近期已受助', 'Recently helped'],
};

export const TASK_SERVICE_TYPE: Labels<VolunteeringServiceType> = {
  home_visit: ['上门探访', 'Home visit'],
  cleaning: ['清洁', 'Cleaning'],
  meal_delivery: ['送餐', 'Meal delivery'],
  hospital_escort: ['陪同就医', 'Hospital escort'],
  haircut: ['理发', 'Haircut'],
  tutoring: ['课业辅导', 'Tutoring'],
  psychological_support: ['心理支持', 'Psychological support'],
  legal_advice: ['法律咨询', 'Legal advice'],
  repair: ['维修', 'Repair'],
  community_activity: ['社区活动', 'Community activity'],
  other: ['其他', 'Other'],
};

export const TASK_STATUS: Labels<ServiceTaskStatus> = {
  draft: ['草稿', 'Draft'],
  open: ['报名中', 'Open'],
  full: ['已满', 'Full'],
  in_progress: ['进行中', 'In progress'],
  completed: ['已完成', 'Completed'],
  cancelled: ['已取消', 'Cancelled'],
};
