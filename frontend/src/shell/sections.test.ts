import { describe, expect, it } from 'vitest';
import { sectionsFor, type SectionDef } from './sections';

const sections: SectionDef[] = [
  { key: 'donor', label: 'shell.donor', roles: ['donor'], screens: [{ path: '/needs', label: 'shell.home' }] },
  { key: 'volunteer', label: 'shell.volunteer', roles: ['volunteer'], screens: [{ path: '/me', label: 'shell.home' }] },
  { key: 'workstation', label: 'shell.workstation', roles: ['workstation_staff'], screens: [{ path: '/h', label: 'shell.home' }] },
  { key: 'foundation', label: 'shell.foundation', roles: ['foundation_reviewer'], screens: [] },
  { key: 'organisation', label: 'shell.organisation', roles: [], organisationMembers: true, screens: [{ path: '/org/projects', label: 'org.title' }] },
  { key: 'admin', label: 'shell.admin', roles: ['administrator'], screens: [{ path: '/admin/', label: 'shell.adminSite', external: true }] },
];

describe('sectionsFor', () => {
  it('shows the sections of the roles held, in menu order', () => {
    const keys = sectionsFor([{ role: 'workstation_staff' }, { role: 'donor' }], false, sections).map((s) => s.key);
    expect(keys).toEqual(['donor', 'workstation']);
  });

  it('hides a section whose screens have not landed, even for its role', () => {
    expect(sectionsFor([{ role: 'foundation_reviewer' }], false, sections)).toEqual([]);
  });

  it('shows nothing to a user without roles, and every section with screens to a superuser', () => {
    expect(sectionsFor([], false, sections)).toEqual([]);
    expect(sectionsFor([], true, sections).map((s) => s.key)).toEqual(['donor', 'volunteer', 'workstation', 'organisation', 'admin']);
  });

  it('shows the applicant organisation section to its members whatever their roles, and to nobody else', () => {
    expect(sectionsFor([{ role: 'social_worker' }], false, sections, true).map((s) => s.key)).toEqual(['organisation']);
    expect(sectionsFor([{ role: 'donor' }], false, sections, true).map((s) => s.key)).toEqual(['donor', 'organisation']);
    expect(sectionsFor([{ role: 'donor' }, { role: 'workstation_staff' }], false, sections, false).map((s) => s.key)).toEqual(['donor', 'workstation']);
  });
});
