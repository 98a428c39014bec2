import type { RegionLevel } from '../../gql/graphql';

export interface RegionRow {
  id: string;
  name: string;
  level: RegionLevel;
  parentId?: string | null;
}

export interface RegionNode {
  value: string;
  title: string;
  level: RegionLevel;
  selectable: boolean;
  children: RegionNode[];
}

/**
 * The region list (in tree order) as TreeSelect data, cut to the subtrees under `roots` (the regions of the
 * user's grants; all when null). `selectableLevels` limits what may be picked (e.g. community and grid for a
 * household's region).
 */
export function buildRegionTree(
  rows: readonly RegionRow[],
  roots: readonly string[] | null,
  selectableLevels?: readonly RegionLevel[],
): RegionNode[] {
  const nodes = new Map<string, RegionNode>();
  for (const r of rows) {
    nodes.set(r.id, {
      value: r.id,
      title: r.name,
      level: r.level,
      selectable: !selectableLevels || selectableLevels.includes(r.level),
      children: [],
    });
  }
  const top: RegionNode[] = [];
  for (const r of rows) {
    const node = nodes.get(r.id)!;
    const parent = r.parentId ? nodes.get(r.parentId) : undefined;
    if (parent) parent.children.push(node);
    else top.push(node);
  }
  if (!roots) return top;
  // keep the granted regions as roots, but not one that lies inside another granted region
  const wanted = new Set(roots);
  const result: RegionNode[] = [];
  const walk = (list: RegionNode[]) => {
    for (const n of list) {
      if (wanted.has(n.value)) result.push(n);
      else walk(n.children);
    }
  };
  walk(top);
  return result;
}
