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

/** Every screen of the menu, once: a screen several roles use (open needs, my tasks, households) is listed by name. */
const SCREENS = {
  give: { path: '/giving/give', label: 'give.title' },
  myGifts: { path: '/giving/mine', label: 'give.myGifts' },
  disclosure: { path: '/giving/disclosure', label: 'disc.title' },
  openNeeds: { path: '/needs', label: 'needs.openTitle' },
  nearbyTasks: { path: '/tasks', label: 'shell.nearbyTasks' },
  myTasks: { path: '/tasks/mine', label: 'shell.myTasks' },
  newTask: { path: '/tasks/new', label: 'shell.newTask' },
  scan: { path: '/scan', label: 'shell.scan' },
  timeBank: { path: '/volunteer/timebank', label: 'tb.title' },
  giveRedeem: { path: '/volunteer/timebank/give-redeem', label: 'tb.giveRedeem' },
  profile: { path: '/profile', label: 'shell.profile' },
  myVisits: { path: '/visits/mine', label: 'visits.mine' },
  matchConsole: { path: '/workstation/matches', label: 'shell.matchConsole' },
  households: { path: '/workstation/households', label: 'hh.listTitle' },
  registerHousehold: { path: '/workstation/households/new', label: 'hh.register' },
  overdueVisits: { path: '/workstation/visits/overdue', label: 'hh.overdue' },
  visitDashboard: { path: '/workstation/visits/dashboard', label: 'dash.title' },
  stock: { path: '/workstation/stock', label: 'stock.title' },
  offlineDonations: { path: '/workstation/donations', label: 'offline.title' },
  projects: { path: '/foundation/projects', label: 'shell.projects' },
  fundMatches: { path: '/foundation/matches', label: 'shell.fundMatches' },
  monitoring: { path: '/foundation/monitoring', label: 'shell.monitoring' },
  orgProjects: { path: '/org/projects', label: 'org.title' },
  orgNewProject: { path: '/org/projects/new', label: 'org.new' },
  orgOrganisations: { path: '/org/organisations', label: 'org.orgs.title' },
  rules: { path: '/manage/rules', label: 'shell.ruleSettings' },
  adminSite: { path: '/admin/', label: 'shell.adminSite', external: true },
} satisfies Record<string, ScreenDef>;

/** A section labelled `shell.<key>`, shown to `roles`, with its screens in menu order. */
function section(
  key: SectionKey,
  roles: readonly Role[],
  screens: readonly (keyof typeof SCREENS)[],
  options: Pick<SectionDef, 'organisationMembers'> = {},
): SectionDef {
  return { key, label: `shell.${key}`, roles, ...options, screens: screens.map((name) => SCREENS[name]) };
}

export const SECTIONS: readonly SectionDef[] = [
  section('donor', ['donor'], ['give', 'myGifts', 'disclosure', 'openNeeds']),
  section('volunteer', ['volunteer'], ['nearbyTasks', 'myTasks', 'scan', 'timeBank', 'giveRedeem', 'openNeeds', 'profile']),
  section('socialWorker', ['social_worker'], ['myTasks', 'newTask', 'openNeeds', 'myVisits', 'overdueVisits', 'visitDashboard', 'households']),
  section('workstation', ['workstation_staff'], ['matchConsole', 'households', 'registerHousehold', 'overdueVisits', 'visitDashboard', 'stock', 'offlineDonations', 'orgOrganisations']),
  section('foundation', ['foundation_reviewer'], ['projects', 'fundMatches', 'monitoring']),
  section('organisation', [], ['orgProjects', 'orgNewProject', 'orgOrganisations'], { organisationMembers: true }),
  section('admin', ['administrator'], ['rules', 'orgOrganisations', 'adminSite']),
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
