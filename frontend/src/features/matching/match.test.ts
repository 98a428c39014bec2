import { describe, expect, it } from 'vitest';
import { componentLabel, staffRegionId } from './MatchConsolePage';
import { grantRegionId, newIdempotencyKey } from '../tasks/TasksPages';

describe('match console helpers', () => {
  it('labels score components in both languages, with their parameters', () => {
    expect(componentLabel('urgent', '{}', 'zh-Hans')).toBe('救急难');
    expect(componentLabel('waited', '{"days": 23}', 'zh-Hans')).toBe('等待时长 23 天');
    expect(componentLabel('waited', '{"days": 23}', 'en')).toBe('Waiting time 23 d');
    expect(componentLabel('recent_help', '{"count": 2}', 'en')).toBe('Recently helped ×2');
    // an unknown code or broken params still shows something
    expect(componentLabel('new_rule', 'not json', 'zh-Hans')).toBe('new_rule');
  });

  it('takes the live region from the staff grant, not from other roles', () => {
    const roles = [
      { role: 'volunteer', region: { id: 'R1' } },
      { role: 'workstation_staff', region: { id: 'R2' } },
    ];
    expect(staffRegionId(roles)).toBe('R2');
    expect(staffRegionId([{ role: 'donor', region: { id: 'R3' } }])).toBeNull();
    expect(grantRegionId(roles, ['volunteer'])).toBe('R1');
  });

  it('makes a new idempotency key per click', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThan(8);
  });
});
