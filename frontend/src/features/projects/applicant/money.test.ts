import { describe, expect, it } from 'vitest';
import { fenToYuan, parseYuan } from './money';

describe('yuan ↔ fen', () => {
  it('parses yuan with up to two decimals into fen, keeping a minus sign for the server to refuse', () => {
    expect(parseYuan('12.5')).toBe('1250');
    expect(parseYuan(' 3000 ')).toBe('300000');
    expect(parseYuan('0.07')).toBe('7');
    expect(parseYuan('0')).toBe('0');
    expect(parseYuan('-3')).toBe('-300');
    expect(parseYuan('999999999999.99')).toBe('99999999999999');
  });

  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '1.234', '1,000', '1e5', '1234567890123']) expect(parseYuan(bad)).toBeNull();
  });

  it('shows fen as yuan again', () => {
    expect(fenToYuan('1250')).toBe('12.50');
    expect(fenToYuan('7')).toBe('0.07');
    expect(fenToYuan('300000')).toBe('3000.00');
    expect(fenToYuan(null)).toBe('');
  });
});
