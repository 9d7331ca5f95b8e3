// Graph → Layout: a layered (Sugiyama) layout by @dagrejs/dagre, top to bottom, nested groups
// inside-out: each Parallel branch / Map item processor is laid out on its own first, the
// container is then sized to hold its groups side by side under a header and placed as one box at
// its parent's level. Edges never cross a level (ASL transitions stay inside their branch), so
// each level is an ordinary flat graph for dagre, which it lays out well; dagre's own compound
// mode is not needed. Why dagre and not elkjs: docs/console.md, "Graph layout".
//
// Deterministic: dagre has no randomness, and every level's nodes and edges are given to it in an
// order computed here from the graph's content (breadth-first from the start marker, edges by
// id), never from array order, so the same machine always gets the same coordinates.

import dagre from '@dagrejs/dagre';
import type { Box, Graph, GraphEdge, GraphNode, Layout, Point } from './model';
import {
  CONTAINER_HEADER, CONTAINER_PAD, GROUP_GAP, GROUP_PAD, edgeLabelSize, isContainer, nodeSize,
} from './metrics';

/** Space around the whole drawing. */
export const MARGIN = 24;

const edgeWeight: Record<GraphEdge['kind'], number> = { start: 4, next: 4, default: 2, choice: 2, catch: 1, end: 1 };

export function layoutGraph(g: Graph): Layout {
  const index = new GraphIndex(g);
  const top = layoutLevel(index, null);
  const out: Layout = { nodes: {}, groups: {}, edges: {}, width: round(top.width + 2 * MARGIN), height: round(top.height + 2 * MARGIN) };
  top.place(out, MARGIN, MARGIN);
  return out;
}

/** The graph's nodes, edges and groups by the level (group) they belong to. */
class GraphIndex {
  readonly nodesOf = new Map<string | null, GraphNode[]>();
  readonly edgesOf = new Map<string | null, GraphEdge[]>();
  readonly groupsOf = new Map<string, string[]>(); // owner node → group ids, in Branches order
  constructor(g: Graph) {
    const parentOf = new Map<string, string | null>();
    for (const n of g.nodes) {
      parentOf.set(n.id, n.parent);
      push(this.nodesOf, n.parent, n);
    }
    for (const e of g.edges) {
      const level = parentOf.get(e.from);
      // An edge whose ends are not in one level cannot be drawn inside-out (ASL forbids it).
      if (level === undefined || parentOf.get(e.to) !== level) continue;
      push(this.edgesOf, level, e);
    }
    for (const gr of g.groups) push(this.groupsOf, gr.owner, gr.id);
    for (const ids of this.groupsOf.values()) ids.sort(compareNatural);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A level laid out at the origin; place() writes it, moved by (dx, dy), into the layout. */
interface Placed {
  width: number;
  height: number;
  place(out: Layout, dx: number, dy: number): void;
}

function layoutLevel(ix: GraphIndex, level: string | null): Placed {
  const edges = [...(ix.edgesOf.get(level) ?? [])].sort((a, b) => compareNatural(a.id, b.id));
  const nodes = canonicalOrder(ix.nodesOf.get(level) ?? [], edges);

  // Inside-out: the groups of each container first.
  const inner = new Map<string, { groups: { id: string; placed: Placed }[]; width: number; height: number }>();
  for (const n of nodes) {
    if (!isContainer(n)) continue;
    const groups = (ix.groupsOf.get(n.id) ?? []).map((id) => ({ id, placed: layoutLevel(ix, id) }));
    const contentW = groups.reduce((w, gr) => w + gr.placed.width + 2 * GROUP_PAD, 0) + GROUP_GAP * Math.max(0, groups.length - 1);
    const contentH = groups.reduce((h, gr) => Math.max(h, gr.placed.height + 2 * GROUP_PAD), 0);
    const own = nodeSize(n);
    inner.set(n.id, {
      groups,
      width: Math.max(own.width, contentW + 2 * CONTAINER_PAD),
      height: CONTAINER_HEADER + (groups.length ? contentH + CONTAINER_PAD : 0),
    });
  }

  const sizes = new Map(nodes.map((n) => [n.id, inner.get(n.id) ?? nodeSize(n)]));
  const flat = flatLayout(nodes, edges, sizes);

  return {
    width: flat.width,
    height: flat.height,
    place(out, dx, dy) {
      for (const n of nodes) {
        const d = flat.nodes.get(n.id)!;
        const box: Box = { x: round(dx + d.x), y: round(dy + d.y), width: round(d.width), height: round(d.height) };
        out.nodes[n.id] = box;
        const content = inner.get(n.id);
        if (!content) continue;
        // The groups, side by side and centred under the header.
        const total = content.groups.reduce((w, gr) => w + gr.placed.width + 2 * GROUP_PAD, 0) + GROUP_GAP * Math.max(0, content.groups.length - 1);
        let x = box.x + (box.width - total) / 2;
        const y = box.y + CONTAINER_HEADER;
        const rowH = box.height - CONTAINER_HEADER - CONTAINER_PAD;
        for (const gr of content.groups) {
          const w = gr.placed.width + 2 * GROUP_PAD;
          out.groups[gr.id] = { x: round(x), y: round(y), width: round(w), height: round(rowH) };
          gr.placed.place(out, x + GROUP_PAD, y + GROUP_PAD + (rowH - 2 * GROUP_PAD - gr.placed.height) / 2);
          x += w + GROUP_GAP;
        }
      }
      for (const e of edges) {
        const d = flat.edges.get(e.id)!;
        const points = d.points.map((p) => ({ x: round(dx + p.x), y: round(dy + p.y) }));
        out.edges[e.id] = d.label ? { points, label: { x: round(dx + d.label.x), y: round(dy + d.label.y) } } : { points };
      }
    },
  };
}

/** One level laid out by dagre at the origin: boxes by their top-left corner, edge routes. */
interface Flat {
  width: number;
  height: number;
  nodes: Map<string, Box>;
  edges: Map<string, { points: Point[]; label?: Point }>;
}

/**
 * Results of flatLayout by their input. The designer builds and lays out the graph again on every
 * edit, and most edits (a Parameters value, a Comment) leave every level's shape as it was; an
 * edit inside a Map leaves the other levels alone. dagre is deterministic, so a level whose nodes,
 * sizes and edges are the same gets the same answer; the cache only saves the time. Bounded: the
 * oldest entries go first.
 */
const flatCache = new Map<string, Flat>();
const FLAT_CACHE_SIZE = 256;

/** Forgets every cached level (the tests use it to check that dagre itself is deterministic). */
export function clearLayoutCache(): void {
  flatCache.clear();
}

function flatLayout(nodes: GraphNode[], edges: GraphEdge[], sizes: Map<string, { width: number; height: number }>): Flat {
  const key = JSON.stringify([
    nodes.map((n) => [n.id, n.kind, sizes.get(n.id)!.width, sizes.get(n.id)!.height]),
    edges.map((e) => [e.id, e.from, e.to, e.kind, e.label ? edgeLabelSize(e.label).width : 0]),
  ]);
  const hit = flatCache.get(key);
  if (hit) {
    flatCache.delete(key); // most recently used last
    flatCache.set(key, hit);
    return hit;
  }

  const dg = new dagre.graphlib.Graph({ multigraph: true });
  dg.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 44, edgesep: 14, marginx: 0, marginy: 0 });
  dg.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) dg.setNode(n.id, { width: sizes.get(n.id)!.width, height: sizes.get(n.id)!.height });
  for (const e of edges) {
    const label = e.label ? edgeLabelSize(e.label) : { width: 0, height: 0 };
    dg.setEdge(e.from, e.to, { ...label, labelpos: 'c', minlen: 1, weight: edgeWeight[e.kind] ?? 1 }, e.id);
  }
  // Hidden edges (ranking only, never drawn) keep the markers at the ends of a half-written
  // machine: Start above every state nothing leads to, End below every state that leads nowhere.
  const start = nodes.find((n) => n.kind === 'Start');
  const end = nodes.find((n) => n.kind === 'End');
  const hasIn = new Set(edges.map((e) => e.to));
  const hasOut = new Set(edges.map((e) => e.from));
  for (const n of nodes) {
    if (start && n !== start && !hasIn.has(n.id)) dg.setEdge(start.id, n.id, { minlen: 1, weight: 0 }, `~from-start:${n.id}`);
    if (end && n !== end && n !== start && !hasOut.has(n.id)) dg.setEdge(n.id, end.id, { minlen: 1, weight: 0 }, `~to-end:${n.id}`);
  }
  if (start && end && !hasOut.has(start.id) && !hasIn.has(end.id)) dg.setEdge(start.id, end.id, { minlen: 1, weight: 0 }, '~start-end');
  dagre.layout(dg);

  const size = dg.graph() as { width?: number; height?: number };
  const flat: Flat = { width: size.width ?? 0, height: size.height ?? 0, nodes: new Map(), edges: new Map() };
  for (const n of nodes) {
    const d = dg.node(n.id) as { x: number; y: number; width: number; height: number };
    flat.nodes.set(n.id, { x: d.x - d.width / 2, y: d.y - d.height / 2, width: d.width, height: d.height });
  }
  for (const e of edges) {
    const d = dg.edge(e.from, e.to, e.id) as { points?: Point[]; x?: number; y?: number };
    const route: { points: Point[]; label?: Point } = { points: (d.points ?? []).map((p) => ({ x: p.x, y: p.y })) };
    if (e.label && d.x !== undefined && d.y !== undefined) route.label = { x: d.x, y: d.y };
    flat.edges.set(e.id, route);
  }
  flatCache.set(key, flat);
  if (flatCache.size > FLAT_CACHE_SIZE) flatCache.delete(flatCache.keys().next().value!);
  return flat;
}

/** The level's nodes breadth-first from its start marker along edges in id order, then the rest by id. */
function canonicalOrder(nodes: GraphNode[], edges: GraphEdge[]): GraphNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, string[]>();
  for (const e of edges) push(out, e.from, e.to);
  const order: GraphNode[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    const queue = [id];
    for (let i = 0; i < queue.length; i++) {
      const n = byId.get(queue[i]);
      if (!n || seen.has(n.id)) continue;
      seen.add(n.id);
      order.push(n);
      queue.push(...(out.get(n.id) ?? []));
    }
  };
  const ids = [...byId.keys()].sort(compareNatural);
  for (const id of ids) if (byId.get(id)!.kind === 'Start') visit(id);
  for (const id of ids) visit(id);
  return order;
}

/** Orders "…:2" before "…:10" and is the same on every machine (no locale). */
export function compareNatural(a: string, b: string): number {
  const ra = a.split(/(\d+)/);
  const rb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    if (ra[i] === rb[i]) continue;
    if (i % 2 === 1) {
      const d = Number(ra[i]) - Number(rb[i]);
      if (d !== 0) return d;
    }
    return ra[i] < rb[i] ? -1 : 1;
  }
  return ra.length - rb.length;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
