// ASL → Graph. The designer calls buildGraph on every edit, so it never throws: a half-written
// definition draws what it can (unknown or missing Type → an 'Unknown' node, a Next naming a state
// that does not exist → a 'missing' placeholder node, so the dangling edge stays visible).
//
// Order: nodes come out in the order a reader follows the machine (depth-first from StartAt,
// along Next, each Choice rule, Default, each Catch), then states nothing reaches sorted by name.
// It does not depend on the key order of "States", so layoutGraph gives the same coordinates for
// the same machine however its JSON was written.

import type { Graph, GraphEdge, GraphGroup, GraphNode, StateType } from './model';
import { choiceRuleText } from './rules';

const stateTypes: ReadonlySet<string> = new Set<StateType>(['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);

/** Escapes a state name as one JSON pointer token (RFC 6901): "~" → "~0", "/" → "~1". */
export function pointerToken(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds the graph of a definition: an object, or JSON text (text that does not parse gives an empty graph). */
export function buildGraph(definition: unknown): Graph {
  const g: Graph = { nodes: [], edges: [], groups: [] };
  let def = definition;
  if (typeof def === 'string') {
    try {
      def = JSON.parse(def);
    } catch {
      return g;
    }
  }
  if (!isObject(def)) return g;
  buildLevel(g, def, '', null);
  return g;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** One transition out of a state, in reading order. */
interface Transition {
  to: string;
  kind: GraphEdge['kind'];
  index?: number;
  label?: string;
}

function transitions(state: Obj): Transition[] {
  const out: Transition[] = [];
  const next = str(state.Next);
  if (next !== undefined) out.push({ to: next, kind: 'next' });
  if (Array.isArray(state.Choices)) {
    state.Choices.forEach((rule, i) => {
      const to = isObject(rule) ? str(rule.Next) : undefined;
      if (to !== undefined) out.push({ to, kind: 'choice', index: i, label: choiceRuleText(rule) });
    });
  }
  const dflt = str(state.Default);
  if (dflt !== undefined) out.push({ to: dflt, kind: 'default', label: 'Default' });
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((c, i) => {
      const to = isObject(c) ? str(c.Next) : undefined;
      if (to !== undefined) out.push({ to, kind: 'catch', index: i, label: errorNames(c.ErrorEquals).join(', ') });
    });
  }
  return out;
}

function errorNames(v: unknown): string[] {
  return Array.isArray(v) ? v.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))) : [];
}

/** Names of the states of one level in reading order (see the file comment). */
function readingOrder(states: Obj, startAt: string | undefined): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = (name: string) => {
    // Iterative depth-first walk: a 100+ state chain must not grow the call stack.
    const stack = [name];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n) || !Object.prototype.hasOwnProperty.call(states, n)) continue;
      seen.add(n);
      order.push(n);
      const s = states[n];
      const ts = isObject(s) ? transitions(s) : [];
      for (let i = ts.length - 1; i >= 0; i--) stack.push(ts[i].to);
    }
  };
  if (startAt !== undefined) visit(startAt);
  for (const n of Object.keys(states).sort(compareText)) visit(n);
  return order;
}

/** Compares strings by UTF-16 code units: the same order on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adds the states of one level (the machine, a Parallel branch or a Map item processor). */
function buildLevel(g: Graph, machine: Obj, prefix: string, parent: string | null): void {
  const states = isObject(machine.States) ? machine.States : {};
  const startAt = str(machine.StartAt);
  const startId = `${prefix}/@start`;
  const endId = `${prefix}/@end`;
  const idOf = (name: string) => `${prefix}/States/${pointerToken(name)}`;
  const missing = new Set<string>();
  const edges: GraphEdge[] = [];

  g.nodes.push({ id: startId, kind: 'Start', name: '', parent });
  const target = (name: string): string => {
    if (!Object.prototype.hasOwnProperty.call(states, name)) missing.add(name);
    return idOf(name);
  };
  if (startAt !== undefined && startAt !== '') {
    edges.push({ id: `${startId}>start`, from: startId, to: target(startAt), kind: 'start' });
  }

  for (const name of readingOrder(states, startAt)) {
    const raw = states[name];
    const s: Obj = isObject(raw) ? raw : {};
    const id = idOf(name);
    const type = str(s.Type);
    const node: GraphNode = { id, kind: type !== undefined && stateTypes.has(type) ? (type as StateType) : 'Unknown', name, parent };
    const resource = str(s.Resource);
    if (resource !== undefined) node.resource = resource;
    if (Array.isArray(s.Retry) && s.Retry.length) node.retry = s.Retry.map((r) => errorNames(isObject(r) ? r.ErrorEquals : undefined));
    if (name === startAt) node.start = true;
    const terminal = s.End === true || type === 'Succeed' || type === 'Fail';
    if (terminal) node.end = true;
    g.nodes.push(node);

    if (type === 'Parallel' && Array.isArray(s.Branches)) {
      s.Branches.forEach((b, i) => addGroup(g, `${id}/Branches/${i}`, 'branch', id, parent, b));
    } else if (type === 'Map') {
      const key = isObject(s.ItemProcessor) || !isObject(s.Iterator) ? 'ItemProcessor' : 'Iterator';
      addGroup(g, `${id}/${key}`, 'processor', id, parent, s[key]);
    }

    for (const t of transitions(s)) {
      const e: GraphEdge = { id: `${id}>${t.kind}${t.index === undefined ? '' : `:${t.index}`}`, from: id, to: target(t.to), kind: t.kind };
      if (t.label !== undefined) e.label = t.label;
      edges.push(e);
    }
    if (terminal) edges.push({ id: `${id}>end`, from: id, to: endId, kind: 'end' });
  }

  for (const name of [...missing].sort(compareText)) {
    g.nodes.push({ id: idOf(name), kind: 'Unknown', name, parent, missing: true });
  }
  g.nodes.push({ id: endId, kind: 'End', name: '', parent });
  g.edges.push(...edges);
}

function addGroup(g: Graph, id: string, kind: GraphGroup['kind'], owner: string, parent: string | null, body: unknown): void {
  g.groups.push({ id, kind, owner, parent });
  buildLevel(g, isObject(body) ? body : {}, id, id);
}
