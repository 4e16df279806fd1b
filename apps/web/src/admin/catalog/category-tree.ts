import type { Category } from './catalog-api';

export type CategoryNode = { category: Category; depth: number; path: string; children: CategoryNode[] };

const byPosition = (a: Category, b: Category) => a.position - b.position || a.name.localeCompare(b.name);

/** The categories as a forest, siblings in position order. */
export function categoryTree(list: readonly Category[]): CategoryNode[] {
  const kids = new Map<string | null, Category[]>();
  const ids = new Set(list.map((c) => c.id));
  for (const c of list) {
    const parent = c.parent_id && ids.has(c.parent_id) ? c.parent_id : null;
    kids.set(parent, [...(kids.get(parent) ?? []), c]);
  }
  const build = (parent: string | null, depth: number, prefix: string): CategoryNode[] =>
    (kids.get(parent) ?? []).toSorted(byPosition).map((c) => {
      const path = prefix ? `${prefix} › ${c.name}` : c.name;
      return { category: c, depth, path, children: build(c.id, depth + 1, path) };
    });
  return build(null, 0, '');
}

/** Depth first, for a <select>: each option named by its full path so it reads unambiguously. */
export function flatten(nodes: readonly CategoryNode[]): CategoryNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

export function categoryOptions(list: readonly Category[], exclude?: string) {
  const out: { value: string; label: string }[] = [];
  const walk = (nodes: readonly CategoryNode[]) => {
    for (const n of nodes) {
      if (n.category.id === exclude) continue;
      out.push({ value: n.category.id, label: n.path });
      walk(n.children);
    }
  };
  walk(categoryTree(list));
  return out;
}

export function categoryPath(list: readonly Category[], id: string | null | undefined): string {
  if (!id) return '';
  return flatten(categoryTree(list)).find((n) => n.category.id === id)?.path ?? '';
}
