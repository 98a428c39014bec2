/** Labels of giving's enums, [zh-Hans, English], typed on the generated enums (a new value fails tsc). */
import type { GivingGoodsCategory, GivingNeedCategory, GoodsCondition, GoodsDonationStatus, PledgeServiceType, RecurringDonationStatus } from '../../gql/graphql';

type Labels<E extends string> = Record<E, readonly [string, string]>;

export const NEED_CATEGORY: Labels<GivingNeedCategory> = {
  medical: ['医疗救助', 'Medical aid'],
  education: ['助学', 'Education'],
  elderly: ['助老', 'Elderly care'],
  disability: ['助残', 'Disability support'],
  children: ['儿童关爱', 'Children'],
  emergency: ['救急难', 'Emergency relief'],
  living: ['生活救助', 'Living assistance'],
};

export const GIVING_GOODS_CATEGORY: Labels<GivingGoodsCategory> = {
  clothes_bedding: ['衣物被褥', 'Clothes and bedding'],
  food_grain_oil: ['粮油食品', 'Grain, oil and food'],
  appliances: ['家用电器', 'Appliances'],
  assistive_devices: ['康复辅具', 'Assistive devices'],
  stationery: ['文具书籍', 'Stationery and books'],
  personal_care: ['个人护理', 'Personal care'],
  household: ['日用品', 'Household goods'],
};

export const GOODS_CONDITION: Labels<GoodsCondition> = {
  new: ['全新', 'New'],
  like_new: ['九成新', 'Like new'],
  used_good: ['旧但完好', 'Used, in good order'],
};

export const PLEDGE_SERVICE: Labels<PledgeServiceType> = {
  home_visit: ['上门探访', 'Home visits'],
  cleaning: ['清洁打扫', 'Cleaning'],
  meal_delivery: ['送餐', 'Meal delivery'],
  hospital_escort: ['陪同就医', 'Hospital escort'],
  haircut: ['理发', 'Haircuts'],
  tutoring: ['课业辅导', 'Tutoring'],
  psychological_support: ['心理疏导', 'Psychological support'],
  legal_advice: ['法律咨询', 'Legal advice'],
  repair: ['家电维修', 'Repairs'],
  first_aid: ['急救培训', 'First aid'],
};

export const GOODS_PLEDGE_STATUS: Labels<GoodsDonationStatus> = {
  pledged: ['待送达', 'Awaiting drop-off'],
  received: ['已入库', 'Received'],
  canceled: ['已取消', 'Canceled'],
};

export const RECURRING_STATUS: Labels<RecurringDonationStatus> = {
  setup_pending: ['待绑卡', 'Card not set up'],
  active: ['每月捐赠中', 'Active'],
  canceled: ['已停止', 'Stopped'],
};
