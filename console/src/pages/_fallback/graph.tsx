// FALLBACK (console-app branch only; the lead deletes this folder on merge, see ../parts.ts):
// a stand-in for console-graph's buildGraph/layoutGraph/GraphView with the same interface and
// data attributes, drawing states in one column. Not the real graph.
import type { Graph, GraphEdge, GraphNode, Layout, StateStatus, StateType } from '../../graph/model';

export function buildGraph(definition: unknown): Graph {
  const g: Graph = { nodes: [], edges: [], groups: [] };
  const walk = (def: any, base: string, parent: string | null) => {
    if (!def || typeof def !== 'object' || !def.States || typeof def.States !== 'object') return;
    const startId = `${base}/@start`;
    g.nodes.push({ id: startId, kind: 'Start', name: '', parent });
    if (typeof def.StartAt === 'string') g.edges.push({ id: `${startId}>start`, from: startId, to: `${base}/States/${def.StartAt}`, kind: 'start' });
    for (const [name, s] of Object.entries<any>(def.States)) {
      const id = `${base}/States/${name}`;
      const n: GraphNode = { id, kind: (s?.Type ?? 'Pass') as StateType, name, parent, resource: s?.Resource };
      g.nodes.push(n);
      const to = (x: string) => `${base}/States/${x}`;
      if (typeof s?.Next === 'string') g.edges.push({ id: `${id}>next`, from: id, to: to(s.Next), kind: 'next' });
      (s?.Choices ?? []).forEach((c: any, i: number) => c?.Next && g.edges.push({ id: `${id}>choice:${i}`, from: id, to: to(c.Next), kind: 'choice', label: c.Variable ?? c.Condition }));
      if (typeof s?.Default === 'string') g.edges.push({ id: `${id}>default`, from: id, to: to(s.Default), kind: 'default', label: 'Default' });
      (s?.Catch ?? []).forEach((c: any, i: number) => c?.Next && g.edges.push({ id: `${id}>catch:${i}`, from: id, to: to(c.Next), kind: 'catch', label: (c.ErrorEquals ?? []).join(', ') }));
      if (s?.End || s?.Type === 'Succeed' || s?.Type === 'Fail') g.edges.push({ id: `${id}>end`, from: id, to: '/@end', kind: 'end' });
      (s?.Branches ?? []).forEach((b: any, i: number) => {
        g.groups.push({ id: `${id}/Branches/${i}`, kind: 'branch', owner: id, parent });
        walk(b, `${id}/Branches/${i}`, `${id}/Branches/${i}`);
      });
      const proc = s?.ItemProcessor ? 'ItemProcessor' : s?.Iterator ? 'Iterator' : '';
      if (proc) {
        g.groups.push({ id: `${id}/${proc}`, kind: 'processor', owner: id, parent });
        walk(s[proc], `${id}/${proc}`, `${id}/${proc}`);
      }
    }
  };
  walk(definition, '', null);
  g.nodes.push({ id: '/@end', kind: 'End', name: '', parent: null });
  return g;
}

export function layoutGraph(g: Graph): Layout {
  const l: Layout = { nodes: {}, groups: {}, edges: {}, width: 260, height: 0 };
  g.nodes.forEach((n, i) => (l.nodes[n.id] = { x: 20 + (n.parent ? 20 : 0), y: 20 + i * 60, width: 200, height: 40 }));
  l.height = 40 + g.nodes.length * 60;
  for (const e of g.edges) {
    const a = l.nodes[e.from], b = l.nodes[e.to];
    if (a && b) l.edges[e.id] = { points: [{ x: a.x + 100, y: a.y + 40 }, { x: b.x + 100, y: b.y }] };
  }
  return l;
}

export interface GraphViewProps {
  graph: Graph;
  layout: Layout;
  status?: Record<string, StateStatus>;
  selected?: string | null;
  onSelect?: (id: string | null) => void;
  onDrop?: (target: { edge: string } | { node: string }, data: string) => void;
  diagnostics?: Record<string, string[]>;
  class?: string;
}

export function GraphView(p: GraphViewProps) {
  const edge = (e: GraphEdge) => {
    const pts = p.layout.edges[e.id]?.points;
    if (!pts) return null;
    return (
      <polyline key={e.id} data-edge-id={e.id} data-edge-kind={e.kind} class={`fb-edge fb-edge-${e.kind}`}
        points={pts.map((q) => `${q.x},${q.y}`).join(' ')} fill="none" stroke="currentColor" stroke-dasharray={e.kind === 'catch' ? '4 3' : undefined} />
    );
  };
  return (
    <svg data-testid="graph" class={p.class} width={p.layout.width} height={p.layout.height} viewBox={`0 0 ${p.layout.width} ${p.layout.height}`}
      onClick={() => p.onSelect?.(null)}>
      {p.graph.edges.map(edge)}
      {p.graph.nodes.map((n) => {
        const b = p.layout.nodes[n.id];
        const st = p.status?.[n.id] ?? 'notreached';
        return (
          <g key={n.id} data-node-id={n.id} data-state-name={n.name} data-status={st} class={`fb-node status-${st}${p.selected === n.id ? ' selected' : ''}`}
            onClick={(ev) => { ev.stopPropagation(); p.onSelect?.(n.id); }}>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={6} />
            <text x={b.x + 10} y={b.y + 25}>{n.name || n.kind}</text>
          </g>
        );
      })}
    </svg>
  );
}
