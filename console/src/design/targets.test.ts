import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/model';
import { insertState } from './asl';
import { parseJson, toJS } from './json';
import { paletteItem } from './palette';
import { afterTarget, edgeTarget, nodeTarget } from './targets';

// The graph as src/graph/build.ts draws this machine (ids are JSON pointers; edges
// "<from>>kind[:index]"), written out so these tests need only the shared model.
const root = parseJson(JSON.stringify({
  StartAt: 'C',
  States: {
    C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'P' }], Default: 'T' },
    T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'P' }], End: true },
    P: { Type: 'Parallel', Branches: [{ StartAt: 'a/b', States: { 'a/b': { Type: 'Pass', End: true } } }, { States: {} }], End: true },
  },
})).root;
const graph: Graph = {
  nodes: [],
  groups: [
    { id: '/States/P/Branches/0', kind: 'branch', owner: '/States/P', parent: null },
    { id: '/States/P/Branches/1', kind: 'branch', owner: '/States/P', parent: null },
  ],
  edges: [
    { id: '/@start>start', from: '/@start', to: '/States/C', kind: 'start' },
    { id: '/States/C>choice:0', from: '/States/C', to: '/States/P', kind: 'choice' },
    { id: '/States/C>default', from: '/States/C', to: '/States/T', kind: 'default' },
    { id: '/States/T>catch:0', from: '/States/T', to: '/States/P', kind: 'catch' },
    { id: '/States/T>end', from: '/States/T', to: '/@end', kind: 'end' },
    { id: '/States/P/Branches/0/@start>start', from: '/States/P/Branches/0/@start', to: '/States/P/Branches/0/States/a~1b', kind: 'start' },
    { id: '/States/P/Branches/0/States/a~1b>end', from: '/States/P/Branches/0/States/a~1b', to: '/States/P/Branches/0/@end', kind: 'end' },
  ],
};

describe('drop targets', () => {
  it('map every kind of edge', () => {
    expect(edgeTarget(root, graph, '/@start>start')).toEqual({ kind: 'start', scope: [] });
    expect(edgeTarget(root, graph, '/States/C>choice:0')).toEqual({ kind: 'choice', from: 'C', index: 0 });
    expect(edgeTarget(root, graph, '/States/C>default')).toEqual({ kind: 'default', from: 'C' });
    expect(edgeTarget(root, graph, '/States/T>catch:0')).toEqual({ kind: 'catch', from: 'T', index: 0 });
    expect(edgeTarget(root, graph, '/States/T>end')).toEqual({ kind: 'end', from: 'T' });
    expect(edgeTarget(root, graph, '/States/P/Branches/0/@start>start')).toEqual({ kind: 'start', scope: ['States', 'P', 'Branches', 0] });
    expect(edgeTarget(root, graph, '/States/P/Branches/0/States/a~1b>end')).toEqual({ kind: 'end', from: 'a/b' });
    expect(edgeTarget(root, graph, '/nope>next')).toBeUndefined();
  });

  it('an empty branch takes the state as its start; a state takes it after itself', () => {
    const t = nodeTarget(root, graph, '/States/P/Branches/1')!;
    expect(t).toEqual({ kind: 'empty', scope: ['States', 'P', 'Branches', 1] });
    const r = insertState(root, t, 'Wait', paletteItem('Wait')!.template).root;
    expect((toJS(r) as any).States.P.Branches[1]).toEqual({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 1, End: true } } });
    expect(Object.keys((toJS(r) as any).States.P.Branches[1])).toEqual(['StartAt', 'States']);
    expect(nodeTarget(root, graph, '/States/P/Branches/0')).toEqual({ kind: 'start', scope: ['States', 'P', 'Branches', 0] });
    expect(nodeTarget(root, graph, '/States/T')).toEqual({ kind: 'end', from: 'T' });
    expect(nodeTarget(root, graph, '/States/C')).toEqual({ kind: 'default', from: 'C' });
  });

  it('markers: start puts the state first, end last; an empty level takes it either way', () => {
    expect(nodeTarget(root, graph, '/@start')).toEqual({ kind: 'start', scope: [] });
    expect(nodeTarget(root, graph, '/@end')).toEqual({ kind: 'end', from: 'T' });
    expect(nodeTarget(root, graph, '/States/P/Branches/0/@end')).toEqual({ kind: 'end', from: 'a/b' });
    expect(nodeTarget(root, graph, '/States/P/Branches/1/@start')).toEqual({ kind: 'empty', scope: ['States', 'P', 'Branches', 1] });
    expect(nodeTarget(root, graph, '/States/P/Branches/1/@end')).toEqual({ kind: 'empty', scope: ['States', 'P', 'Branches', 1] });
    expect(nodeTarget(root, graph, '/States/Nope/Branches/0/@end')).toBeUndefined();
  });

  it('a click with nothing selected adds at the end of the main path', () => {
    expect(afterTarget(root, null)).toEqual({ kind: 'end', from: 'T' });
    expect(afterTarget(parseJson('{"StartAt": "", "States": {}}').root, null)).toEqual({ kind: 'empty', scope: [] });
  });
});
