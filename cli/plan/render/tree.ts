/** Resources arranged by parent, in declaration order. */
import type { PlannedResource } from "../model";

export interface TreeNode {
  resource: PlannedResource;
  children: TreeNode[];
}

export function resourceTree(resources: readonly PlannedResource[]): TreeNode[] {
  const all: TreeNode[] = resources.map((resource) => ({ resource, children: [] }));
  const byUrn = new Map(all.map((node) => [node.resource.urn, node]));
  const roots: TreeNode[] = [];
  for (const node of all) {
    const parent = node.resource.parent !== undefined ? byUrn.get(node.resource.parent) : undefined;
    (parent !== undefined ? parent.children : roots).push(node);
  }
  return roots;
}

export function walkTree(roots: readonly TreeNode[], visit: (node: TreeNode, depth: number) => void, depth = 0): void {
  for (const node of roots) {
    visit(node, depth);
    walkTree(node.children, visit, depth + 1);
  }
}
