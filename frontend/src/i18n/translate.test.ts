import { describe, expect, it } from 'vitest';
import { isMessageKey, translateOr, translator } from './translate';

describe('translateOr', () => {
  it('translates a key built from a code, and shows the code itself when it has no message', () => {
    const zh = translator('zh-Hans');
    const en = translator('en');
    expect(isMessageKey('tb.kind.tb_earn')).toBe(true);
    expect(isMessageKey('tb.kind.tb_new_kind')).toBe(false);
    expect(translateOr(zh, 'tb.kind.tb_earn', 'tb_earn')).toBe('服务入账');
    expect(translateOr(en, 'tb.kind.tb_earn', 'tb_earn')).toBe('Service credited');
    expect(translateOr(en, 'tb.kind.tb_new_kind', 'tb_new_kind')).toBe('tb_new_kind');
    expect(translateOr(en, 'admin.weight.category.extreme_poverty', 'x')).toBe('Extreme poverty');
  });
});
