// From what the graph offers as drop targets (an edge, a group, a node; ids per
// src/graph/model.ts and build.ts: JSON pointers, "<from>>kind[:index]" for edges) to where
// the model inserts a state (asl.ts InsertTarget).

import type { Graph } from '../graph/model';
import { getIn, strAt, type JNode, type Path } from './json';
import { allStates, chains, findState, resolveScope, stateAtPointer, type InsertTarget } from './asl';


/** An edge of the graph (ids per console/src/graph/build.ts: "<from>>kind[:index]"). */
export function edgeTarget(root: JNode, graph: Graph, id: string): InsertTarget | undefined {
  const e = graph.edges.find((x) => x.id === id);
  if (!e) return undefined;
  if (e.kind === 'start') {
    const scope = resolveScope(root, e.from.replace(/\/@start$/, ''));
    return scope ? { kind: 'start', scope } : undefined;
  }
  const from = stateAtPointer(root, e.from);
  if (!from) return undefined;
  if (e.kind === 'choice' || e.kind === 'catch') {
    const m = /:(\d+)$/.exec(e.id);
    return m ? { kind: e.kind, from: from.name, index: Number(m[1]) } : undefined;
  }
  return { kind: e.kind, from: from.name };
}

/** A node or a group: into an empty group, at the start of a non-empty one, after a state. */
export function nodeTarget(root: JNode, graph: Graph, id: string): InsertTarget | undefined {
  if (graph.groups.some((g) => g.id === id)) {
    const scope = resolveScope(root, id);
    if (!scope) return undefined;
    const states = getIn(root, [...scope, 'States']);
    return states?.t === 'obj' && states.entries.length > 0 ? { kind: 'start', scope } : { kind: 'empty', scope };
  }
  // Markers: the start one puts the state first in its level, the end one last (an empty
  // level, e.g. a new Parallel branch with no states, has only its markers to drop on).
  const marker = /\/@(start|end)$/.exec(id);
  if (marker) {
    const scope = resolveScope(root, id.slice(0, -marker[0].length));
    if (!scope) return undefined;
    const states = getIn(root, [...scope, 'States']);
    if (states?.t !== 'obj' || states.entries.length === 0) return { kind: 'empty', scope };
    return marker[1] === 'start' ? { kind: 'start', scope } : endOfPath(root, scope);
  }
  const s = stateAtPointer(root, id);
  return s ? afterTarget(root, s.name) : undefined;
}

/** Right after a state (its Next, its End, a Choice's Default); with none selected, at the end
 *  of the machine's main path. */
export function afterTarget(root: JNode, name: string | null): InsertTarget {
  if (name) {
    const s = findState(root, name);
    const state = s && getIn(root, s.path);
    if (s && state) {
      if (strAt(state, ['Next']) !== undefined) return { kind: 'next', from: name };
      if (chains(state)) return { kind: 'end', from: name };
      if (strAt(state, ['Default']) !== undefined) return { kind: 'default', from: name };
    }
  }
  return endOfPath(root, []);
}

/** After the last state of a level's path (the first one that ends with End), or first in the
 *  level when none does (every path ends in Succeed, Fail or a Choice). */
export function endOfPath(root: JNode, scope: Path): InsertTarget {
  const here = allStates(root, scope).filter((s) => s.scope.length === scope.length);
  if (here.length === 0) return { kind: 'empty', scope };
  const last = here.find((s) => chains(getIn(root, s.path)) && strAt(getIn(root, s.path), ['Next']) === undefined);
  return last ? { kind: 'end', from: last.name } : { kind: 'start', scope };
}
