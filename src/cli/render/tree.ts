/**
 * @module Orders node paths as a tree and draws their labels (├─ └─ │), for tables whose first column is
 * the tree.
 * Pure: no I/O.
 */

/** A node in drawing order with its tree-drawn label. */
export interface TreeLine {
  readonly node: string;
  readonly label: string;
}

function parentOf(node: string): string {
  const cut = node.lastIndexOf('/');
  return cut < 0 ? '' : node.slice(0, cut);
}

/** Nodes in depth-first order with their labels; the order of siblings follows the input. */
export function treeLines(nodes: readonly string[]): TreeLine[] {
  const lines: TreeLine[] = [];
  const walk = (parent: string, prefix: string) => {
    const children = nodes.filter((node) => parentOf(node) === parent);
    children.forEach((child, index) => {
      const last = index === children.length - 1;
      const name = child.slice(child.lastIndexOf('/') + 1);
      const top = parent === '';
      lines.push({ node: child, label: top ? name : `${prefix}${last ? '└─ ' : '├─ '}${name}` });
      walk(child, top ? '' : `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk('', '');
  return lines;
}
