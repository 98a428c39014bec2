/**
 * Charity projects' enum labels and helpers. The strings themselves are keys of src/i18n/messages.ts
 * ('proj.*', zh-Hans and English); each table maps every value of a generated enum to its key, so a value the
 * backend adds fails `tsc` until it has a label.
 */
import type {
  CharityProjectStatus,
  GivingNeedCategory,
  ProjectAssignmentStatus,
  ProjectBeneficiaryGroup,
  ProjectBudgetCategory,
  ProjectDecisionOutcome,
  ProjectFundProposalStatus,
  ProjectReportStatus,
  ProjectReviewRecommendation,
  ProjectTrancheStatus,
} from '../../gql/graphql';
import type { MessageKey } from '../../i18n/messages';
import type { Translate } from '../../i18n/translate';

type Labels<E extends string> = Record<E, MessageKey>;

export const PROJECT_STATUS: Labels<CharityProjectStatus> = {
  draft: 'proj.status.draft',
  submitted: 'proj.status.submitted',
  under_review: 'proj.status.under_review',
  changes_requested: 'proj.status.changes_requested',
  approved: 'proj.status.approved',
  rejected: 'proj.status.rejected',
  completed: 'proj.status.completed',
  closed: 'proj.status.closed',
  withdrawn: 'proj.status.withdrawn',
};

export const STATUS_COLOR: Record<CharityProjectStatus, string> = {
  draft: 'default',
  submitted: 'blue',
  under_review: 'processing',
  changes_requested: 'orange',
  approved: 'green',
  rejected: 'red',
  completed: 'cyan',
  closed: 'default',
  withdrawn: 'default',
};

export const PROJECT_CATEGORY: Labels<GivingNeedCategory> = {
  medical: 'proj.category.medical',
  education: 'proj.category.education',
  elderly: 'proj.category.elderly',
  disability: 'proj.category.disability',
  children: 'proj.category.children',
  emergency: 'proj.category.emergency',
  living: 'proj.category.living',
};

export const GROUP: Labels<ProjectBeneficiaryGroup> = {
  minimum_living: 'proj.group.minimum_living',
  extreme_poverty: 'proj.group.extreme_poverty',
  marginal_low_income: 'proj.group.marginal_low_income',
  expenditure_poverty: 'proj.group.expenditure_poverty',
  elderly_alone: 'proj.group.elderly_alone',
  empty_nest: 'proj.group.empty_nest',
  disabled_elderly: 'proj.group.disabled_elderly',
  dementia: 'proj.group.dementia',
  child_in_difficulty: 'proj.group.child_in_difficulty',
  orphan_disabled_child: 'proj.group.orphan_disabled_child',
  severe_disability: 'proj.group.severe_disability',
  serious_illness: 'proj.group.serious_illness',
  poor_student: 'proj.group.poor_student',
  residents: 'proj.group.residents',
};

export const BUDGET_CATEGORY: Labels<ProjectBudgetCategory> = {
  personnel: 'proj.budget.personnel',
  materials: 'proj.budget.materials',
  activities: 'proj.budget.activities',
  services: 'proj.budget.services',
  administration: 'proj.budget.administration',
  other: 'proj.budget.other',
};

export const TRANCHE_STATUS: Labels<ProjectTrancheStatus> = {
  committed: 'proj.tranche.committed',
  released: 'proj.tranche.released',
  canceled: 'proj.tranche.canceled',
};

export const OUTCOME: Labels<ProjectDecisionOutcome> = {
  approve: 'proj.outcome.approve',
  changes: 'proj.outcome.changes',
  reject: 'proj.outcome.reject',
};

export const RECOMMENDATION: Labels<ProjectReviewRecommendation> = {
  approve: 'proj.recommendation.approve',
  changes: 'proj.recommendation.changes',
  reject: 'proj.recommendation.reject',
};

export const REPORT_STATUS: Labels<ProjectReportStatus> = {
  submitted: 'proj.reportStatus.submitted',
  approved: 'proj.reportStatus.approved',
  returned: 'proj.reportStatus.returned',
};

export const ASSIGNMENT_STATUS: Labels<ProjectAssignmentStatus> = {
  assigned: 'proj.assignment.assigned',
  recused: 'proj.assignment.recused',
};

export const FUND_STATUS: Labels<ProjectFundProposalStatus> = {
  proposed: 'proj.fundStatus.proposed',
  accepted: 'proj.fundStatus.accepted',
  rejected: 'proj.fundStatus.rejected',
};

export function lbl<E extends string>(table: Labels<E>, v: E | null | undefined, t: Translate): string {
  if (v == null) return '';
  const key = table[v];
  return key ? t(key) : v;
}

export function opts<E extends string>(table: Labels<E>, t: Translate): { value: E; label: string }[] {
  return (Object.keys(table) as E[]).map((value) => ({ value, label: lbl(table, value, t) }));
}

/** The region of the viewer's foundation-reviewer grant (live fund matches are per region). */
export function reviewerRegionId(roles: readonly { role: string; region: { id: string } | null }[]): string | null {
  return roles.find((g) => g.role === 'foundation_reviewer' && g.region)?.region?.id ?? null;
}

/** Share of `part` in `whole` (fen strings), 0..100, integer. */
export function percent(part: string, whole: string): number {
  const w = BigInt(whole || '0');
  if (w <= 0n) return 0;
  const p = BigInt(part || '0');
  return Number((p * 100n) / w);
}
