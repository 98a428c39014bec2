import { describe, expect, it } from 'vitest';
import { formatFen, formatMinutes, yuanToFen } from './format';

describe('money in fen', () => {
  it('formats digits as yuan with thousands separators, without floats', () => {
    expect(formatFen('0')).toBe('¥0.00');
    expect(formatFen('5')).toBe('¥0.05');
    expect(formatFen('123456')).toBe('¥1,234.56');
    expect(formatFen('900719925474099312')).toBe('¥9,007,199,254,740,993.12'); // beyond 2^53
    expect(formatFen('-250')).toBe('-¥2.50');
  });

  it('parses yuan typed by a person into fen, refusing what is not an amount', () => {
    expect(yuanToFen('12')).toBe('1200');
    expect(yuanToFen('12.5')).toBe('1250');
    expect(yuanToFen(' 0.05 ')).toBe('5');
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('-1')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
  });
});

describe('minutes', () => {
  it('reads as hours and minutes in both languages', () => {
    expect(formatMinutes(90, 'zh-Hans')).toBe('1 小时30 分钟');
    expect(formatMinutes(120, 'en')).toBe('2 h');
    expect(formatMinutes(45, 'en')).toBe('45 min');
    expect(formatMinutes(0, 'zh-Hans')).toBe('0 分钟');
  });
});
