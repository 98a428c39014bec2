import { describe, expect, it } from 'vitest';
import { buildRegionTree, type RegionRow } from './regionTree';

const rows: RegionRow[] = [
  { id: 'd', name: '闵行区', level: 'district', parentId: null },
  { id: 's1', name: '江川路街道', level: 'street', parentId: 'd' },
  { id: 'c1', name: '红旗社区', level: 'community', parentId: 's1' },
  { id: 'g1', name: '红旗一网格', level: 'grid', parentId: 'c1' },
  { id: 's2', name: '古美路街道', level: 'street', parentId: 'd' },
  { id: 'c2', name: '古美一村', level: 'community', parentId: 's2' },
];

describe('buildRegionTree', () => {
  it('nests regions under their parents', () => {
    const tree = buildRegionTree(rows, null);
    expect(tree.map((n) => n.title)).toEqual(['闵行区']);
    expect(tree[0]!.children.map((n) => n.title)).toEqual(['江川路街道', '古美路街道']);
    expect(tree[0]!.children[0]!.children[0]!.children[0]!.title).toBe('红旗一网格');
  });

  it('cuts the tree to the granted street and marks only the allowed levels selectable', () => {
    const tree = buildRegionTree(rows, ['s1'], ['community', 'grid']);
    expect(tree.map((n) => n.title)).toEqual(['江川路街道']);
    expect(tree[0]!.selectable).toBe(false);
    expect(tree[0]!.children[0]!.selectable).toBe(true);
    expect(JSON.stringify(tree)).not.toContain('古美');
  });

  it('does not repeat a granted region that lies inside another granted one', () => {
    expect(buildRegionTree(rows, ['d', 'c1']).map((n) => n.value)).toEqual(['d']);
  });
});
