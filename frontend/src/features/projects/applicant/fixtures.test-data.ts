/** Shared test data for the applicant screens' Vitest tests (not a test file itself). */
import { project } from '../fixtures.test-data';

export const ORG_ID = 'UHJvamVjdE9yZ2FuaXNhdGlvbjox';

export const member = {
  me: {
    id: 'VXNlcjoz',
    email: 'sw1@huzhu.demo',
    displayName: '社工 张三',
    language: 'zh-hans',
    isSuperuser: false,
    memberOrganisationIds: [ORG_ID],
    roles: [{ role: 'social_worker', region: { id: 'UmVnaW9uOjI=', name: '江川路街道', level: 'street' } }],
  },
};

export const choices = {
  projectOrganisations: [
    { id: ORG_ID, name: '江川街道阳光社工服务中心', kind: 'social_organisation', region: { id: 'UmVnaW9uOjI=', name: '江川路街道' } },
    // an organisation of the street the viewer does not belong to (staff see them): never offered
    { id: 'UHJvamVjdE9yZ2FuaXNhdGlvbjo5', name: '别的机构', kind: 'social_organisation', region: { id: 'UmVnaW9uOjI=', name: '江川路街道' } },
  ],
  foundations: [
    {
      id: 'Rm91bmRhdGlvbjox',
      name: '闵行区社区基金会',
      region: { id: 'UmVnaW9uOjE=', name: '闵行区' },
      criteria: {
        id: '1',
        name: '2026 年度公益创投评审标准',
        criteria: [
          { code: 'need', name: '需求迫切性', description: '', weight: 60, maxScore: 10 },
          { code: 'budget', name: '预算合理性', description: '', weight: 40, maxScore: 10 },
        ],
      },
    },
  ],
  regions: [
    { id: 'UmVnaW9uOjE=', name: '闵行区', level: 'district', parentId: null },
    { id: 'UmVnaW9uOjI=', name: '江川路街道', level: 'street', parentId: 'UmVnaW9uOjE=' },
    { id: 'UmVnaW9uOjU=', name: '红旗村', level: 'community', parentId: 'UmVnaW9uOjI=' },
  ],
};

/** The applicant's view of a project (the fields ApplicantProjectFields asks for). */
export function applicantProject(overrides: Record<string, unknown> = {}) {
  const p = project();
  return {
    ...p,
    viewerIsMember: true,
    organisation: { id: ORG_ID, name: '江川街道阳光社工服务中心' },
    region: { id: 'UmVnaW9uOjU=', name: '红旗村' },
    foundation: { id: 'Rm91bmRhdGlvbjox', name: '闵行区社区基金会' },
    reports: p.reports.map(({ submittedBy: _by, ...r }) => r),
    ...overrides,
  };
}
