// Checks shared by the graph's tests: that a graph and its layout hold every state and every
// transition of a definition (drawn.mjs, over the graph), and that boxes nest and do not overlap.

import { drawnProblems, type DrawnRoot } from './drawn.mjs';
import type { Box, Graph, Layout } from './model';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The graph as drawnProblems sees the DOM: its nodes and edges with GraphView's data-* attributes. */
export function graphRoot(g: Graph): DrawnRoot {
  const el = (attrs: Record<string, string>) => ({ getAttribute: (name: string) => attrs[name] ?? null });
  const nodes = g.nodes.map((n) => el({ 'data-node-id': n.id, 'data-state-name': n.name, 'data-kind': n.kind }));
  const edges = g.edges.map((e) => el({ 'data-edge-id': e.id, 'data-edge-kind': e.kind, 'data-from': e.from, 'data-to': e.to }));
  return { querySelectorAll: (selector: string) => (selector === '[data-node-id]' ? nodes : selector === '[data-edge-id]' ? edges : []) };
}

/** Problems found (empty when the graph and layout hold the whole definition, drawn sanely). */
export function problems(def: unknown, g: Graph, l: Layout): string[] {
  // Every state, marker and transition is in the graph: the check the browser tests make on the page.
  const out = drawnProblems(def, graphRoot(g));
  for (const n of g.nodes) {
    const b = l.nodes[n.id];
    if (!b) { out.push(`node ${n.id} has no box`); continue; }
    if (![b.x, b.y, b.width, b.height].every(Number.isFinite)) out.push(`node ${n.id} box is not finite`);
    if (b.x < 0 || b.y < 0 || b.x + b.width > l.width + 0.5 || b.y + b.height > l.height + 0.5) out.push(`node ${n.id} is outside the drawing`);
    const container = n.parent === null ? null : l.groups[n.parent];
    if (n.parent !== null && (!container || !inside(b, container))) out.push(`node ${n.id} is not inside its group`);
  }
  for (const gr of g.groups) {
    const b = l.groups[gr.id];
    if (!b) out.push(`group ${gr.id} has no box`);
    else if (!inside(b, l.nodes[gr.owner])) out.push(`group ${gr.id} is not inside ${gr.owner}`);
  }
  for (const e of g.edges) {
    const d = l.edges[e.id];
    if (!d || d.points.length < 2) out.push(`edge ${e.id} has no points`);
    else if (!d.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))) out.push(`edge ${e.id} has a point that is not finite`);
    if (e.label && !d?.label) out.push(`edge ${e.id} has no label position`);
  }
  // Siblings (nodes of one level) never overlap.
  const byParent = new Map<string | null, Box[]>();
  for (const n of g.nodes) byParent.set(n.parent, [...(byParent.get(n.parent) ?? []), l.nodes[n.id]]);
  for (const [p, boxes] of byParent) {
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      if (boxes[i] && boxes[j] && overlap(boxes[i], boxes[j])) out.push(`two nodes overlap in level ${p ?? 'top'}`);
    }
  }
  return out;
}

function inside(a: Box, b: Box | undefined): boolean {
  return !!b && a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.width <= b.x + b.width + 0.5 && a.y + a.height <= b.y + b.height + 0.5;
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The same definition with the keys of every "States" object in another (seeded) order. */
export function shuffleStates(def: unknown, seed = 1): unknown {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const visit = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => visit(x));
    if (!isObject(v)) return v;
    const entries = Object.entries(v).map(([k, x]) => [k, visit(x, k)] as [string, unknown]);
    if (key === 'States') {
      for (let i = entries.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [entries[i], entries[j]] = [entries[j], entries[i]];
      }
    }
    return Object.fromEntries(entries);
  };
  return visit(def);
}
