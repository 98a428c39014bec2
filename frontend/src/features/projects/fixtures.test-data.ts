/** Shared test data for the foundation screens' Vitest tests (not a test file itself). */
export const me = {
  me: {
    id: 'VXNlcjo5',
    email: 'reviewer1@huzhu.demo',
    displayName: '基金会评审 李明',
    language: 'zh-hans',
    isSuperuser: false,
    roles: [{ role: 'foundation_reviewer', region: { id: 'UmVnaW9uOjE=', name: '闵行区', level: 'district' } }],
  },
};

export const funding = {
  budgetTotalFen: '3800000',
  requestedFen: '3300000',
  grantFen: '3300000',
  releasedFen: '0',
  committedFen: '3300000',
  donationsFen: '0',
  balanceFen: '0',
  spentFen: '0',
  proposedFen: '0',
  gapFen: '500000',
};

export function project(overrides: Record<string, unknown> = {}) {
  return {
    id: 'Q2hhcml0eVByb2plY3Q6Mg==',
    name: '困境儿童课后成长营',
    summary: '困境儿童课后成长营:面向古美一村',
    goals: '为古美一村的 35 名服务对象提供持续、专业的服务。',
    status: 'approved',
    category: 'children',
    beneficiaryGroups: ['child_in_difficulty', 'poor_student'],
    beneficiaryCount: 35,
    startsOn: '2026-09-16',
    endsOn: '2027-08-12',
    reviewRound: 1,
    createdAt: '2026-11-25T10:00:00+08:00',
    submittedAt: '2026-11-25T10:00:00+08:00',
    decidedAt: '2026-11-25T10:00:00+08:00',
    closedAt: null,
    requestedFen: '3300000',
    budgetTotalFen: '3800000',
    approvedFen: '3300000',
    disclosureUrl: null,
    viewerIsMember: false,
    viewerActsForFoundation: true,
    region: { id: 'UmVnaW9uOjU=', name: '古美一村' },
    organisation: { id: 'T3JnOjI=', name: '古美街道为老服务社', kind: 'social_organisation' },
    foundation: {
      id: 'Rm91bmRhdGlvbjox',
      name: '闵行区社区基金会',
      availableFen: '150000000',
      reviewers: [
        { id: 'VXNlcjo5', displayName: '基金会评审 李明' },
        { id: 'VXNlcjoxMA==', displayName: '基金会评审 王芳' },
      ],
      criteria: {
        id: '1',
        name: '2026 年度公益创投评审标准',
        criteria: [
          { code: 'need', name: '需求迫切性', description: '', weight: 60, maxScore: 10, position: 1 },
          { code: 'budget', name: '预算合理性', description: '', weight: 40, maxScore: 10, position: 2 },
        ],
      },
    },
    funding,
    budgetLines: [{ id: 'QkwxMQ==', position: 1, name: '辅导老师课时费', note: '', category: 'personnel', amountFen: '2400000' }],
    milestones: [
      {
        id: 'TWlsZXN0b25lOjE=',
        position: 1,
        title: '启动与需求调研',
        dueOn: '2026-10-06',
        deliverables: '',
        plannedTrancheFen: '1800000',
        tranche: { id: 'VHJhbmNoZTox', status: 'committed', amountFen: '1800000', releasedAt: null },
      },
    ],
    tranches: [
      { id: 'VHJhbmNoZTox', createdAt: '2026-11-25T10:00:00+08:00', releasedAt: null, canceledAt: null, amountFen: '1800000', status: 'committed', milestoneTitle: '启动与需求调研' },
    ],
    decisions: [{ id: '1', round: 1, reasons: '需求迫切,设计合理,同意资助。', decidedAt: '2026-11-25T10:00:00+08:00', outcome: 'approve', amountFen: '3300000' }],
    reports: [
      {
        id: 'UmVwb3J0OjE=',
        narrative: '已完成学生摸底和首期辅导。',
        householdsServed: 32,
        serviceMinutes: 2400,
        goodsItems: 35,
        goodsDescription: '学习用品 35 套',
        reviewedAt: null,
        reviewNote: '',
        submittedAt: '2026-11-25T10:00:00+08:00',
        status: 'approved',
        milestoneId: 'TWlsZXN0b25lOjE=',
        milestoneTitle: '启动与需求调研',
        submittedBy: { id: 'VXNlcjoz', displayName: '社工 张三' },
      },
    ],
    spendings: [],
    evaluations: [],
    attachments: [],
    reviews: [
      {
        id: 'UmV2aWV3OjE=',
        round: 1,
        totalScore: 82,
        comment: '材料齐全,设计清晰。',
        submittedAt: '2026-11-25T10:00:00+08:00',
        recommendation: 'approve',
        reviewer: { id: 'VXNlcjoxMA==', displayName: '基金会评审 王芳' },
        scores: [{ code: 'need', name: '需求迫切性', score: 9, maxScore: 10 }],
      },
    ],
    assignments: [
      { id: '1', assignedAt: '2026-11-25T10:00:00+08:00', status: 'assigned', reviewer: { id: 'VXNlcjo5', displayName: '基金会评审 李明' } },
    ],
    events: [{ id: '1', at: '2026-11-25T10:00:00+08:00', kind: 'submitted', kindLabel: '提交申报', actor: { id: 'VXNlcjoz', displayName: '社工 张三' } }],
    ...overrides,
  };
}
