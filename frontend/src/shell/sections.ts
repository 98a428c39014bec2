/**
 * Which parts of the app a user sees, decided by `me.roles` (each role granted at a region and covering its
 * subtree). A section appears when the user holds one of its roles (superusers see all) AND it has at least
 * one screen; a screen is listed here only once the backend it needs has landed — no placeholder screens.
 */
import type { MessageKey } from '../i18n/messages';
import type { Role } from '../gql/graphql';

export type SectionKey = 'donor' | 'volunteer' | 'socialWorker' | 'workstation' | 'foundation' | 'organisation' | 'admin';

export interface ScreenDef {
  /** client-side path, or an absolute server path when `external` */
  path: string;
  label: MessageKey;
  external?: boolean;
}

export interface SectionDef {
  key: SectionKey;
  label: MessageKey;
  roles: readonly Role[];
  /** also shown to members of an organisation that applies for charity projects (me.memberOrganisationIds) */
  organisationMembers?: boolean;
  screens: readonly ScreenDef[];
}

export const SECTIONS: readonly SectionDef[] = [
  {
    key: 'donor',
    label: 'shell.donor',
    roles: ['donor'],
    screens: [
      { path: '/giving/give', label: 'give.title' },
      { path: '/giving/mine', label: 'give.myGifts' },
      { path: '/giving/disclosure', label: 'disc.title' },
      { path: '/needs', label: 'needs.openTitle' },
    ],
  },
  {
    key: 'volunteer',
    label: 'shell.volunteer',
    roles: ['volunteer'],
    screens: [
      { path: '/tasks', label: 'shell.nearbyTasks' },
      { path: '/tasks/mine', label: 'shell.myTasks' },
      { path: '/scan', label: 'shell.scan' },
      { path: '/volunteer/timebank', label: 'tb.title' },
      { path: '/volunteer/timebank/give-redeem', label: 'tb.giveRedeem' },
      { path: '/needs', label: 'needs.openTitle' },
      { path: '/profile', label: 'shell.profile' },
    ],
  },
  {
    key: 'socialWorker',
    label: 'shell.socialWorker',
    roles: ['social_worker'],
    screens: [
      { path: '/tasks/mine', label: 'shell.myTasks' },
      { path: '/tasks/new', label: 'shell.newTask' },
      { path: '/needs', label: 'needs.openTitle' },
      { path: '/workstation/visits/overdue', label: 'hh.overdue' },
      { path: '/workstation/visits/dashboard', label: 'dash.title' },
      { path: '/workstation/households', label: 'hh.listTitle' },
    ],
  },
  {
    key: 'workstation',
    label: 'shell.workstation',
    roles: ['workstation_staff'],
    screens: [
      { path: '/workstation/matches', label: 'shell.matchConsole' },
      { path: '/workstation/households', label: 'hh.listTitle' },
      { path: '/workstation/households/new', label: 'hh.register' },
      { path: '/workstation/visits/overdue', label: 'hh.overdue' },
      { path: '/workstation/visits/dashboard', label: 'dash.title' },
      { path: '/workstation/stock', label: 'stock.title' },
      { path: '/workstation/donations', label: 'offline.title' },
    ],
  },
  {
    key: 'foundation',
    label: 'shell.foundation',
    roles: ['foundation_reviewer'],
    screens: [
      { path: '/foundation/projects', label: 'shell.projects' },
      { path: '/foundation/matches', label: 'shell.fundMatches' },
      { path: '/foundation/monitoring', label: 'shell.monitoring' },
    ],
  },
  {
    key: 'organisation',
    label: 'shell.organisation',
    roles: [],
    organisationMembers: true,
    screens: [
      { path: '/org/projects', label: 'org.title' },
      { path: '/org/projects/new', label: 'org.new' },
    ],
  },
  {
    key: 'admin',
    label: 'shell.admin',
    roles: ['administrator'],
    screens: [
      { path: '/manage/rules', label: 'shell.ruleSettings' },
      { path: '/admin/', label: 'shell.adminSite', external: true },
    ],
  },
];

export interface Grant {
  role: Role;
}

export function hasRole(roles: readonly Grant[], wanted: readonly Role[], isSuperuser = false): boolean {
  return isSuperuser || roles.some((g) => wanted.includes(g.role));
}

/**
 * The sections to show, in menu order: held role (or superuser, or an organisation member for the applicant's
 * section) and at least one screen.
 */
export function sectionsFor(
  roles: readonly Grant[],
  isSuperuser: boolean,
  sections: readonly SectionDef[] = SECTIONS,
  organisationMember = false,
): SectionDef[] {
  return sections.filter(
    (s) => s.screens.length > 0 && (hasRole(roles, s.roles, isSuperuser) || (organisationMember && s.organisationMembers === true)),
  );
}
