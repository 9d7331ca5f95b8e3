import { describe, expect, test } from 'vitest';
import { buildGraph } from './build';
import { drawnProblems } from './drawn.mjs';
import { graphRoot } from './testkit';

const def = {
  StartAt: 'C',
  States: {
    C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'P' }], Default: 'F' },
    P: {
      Type: 'Parallel', End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }],
      Branches: [{ StartAt: 'M', States: { M: { Type: 'Map', Iterator: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Next: 'S' }, S: { Type: 'Succeed' } } }],
    },
    'a/b': { Type: 'Pass', End: true },
    F: { Type: 'Fail' },
  },
};

describe('drawnProblems', () => {
  test('a complete drawing has no problems', () => {
    expect(drawnProblems(def, graphRoot(buildGraph(def)))).toEqual([]);
    expect(drawnProblems(JSON.stringify(def), graphRoot(buildGraph(def)))).toEqual([]);
  });

  test('a missing state, marker or edge is reported', () => {
    const g = buildGraph(def);
    const inner = '/States/P/Branches/0/States/M/Iterator';
    g.nodes = g.nodes.filter((n) => n.id !== '/States/a~1b' && n.id !== `${inner}/@end`);
    g.edges = g.edges.filter((e) => e.id !== '/States/P>catch:0' && e.id !== '/States/C>choice:0');
    expect(drawnProblems(def, graphRoot(g))).toEqual([
      'no choice edge /States/C → /States/P',
      'no catch edge /States/P → /States/F',
      `no end marker ${inner}/@end`,
      'state /States/a~1b is not drawn',
    ]);
  });

  test('a state drawn under another name is reported', () => {
    const g = buildGraph(def);
    g.nodes.find((n) => n.id === '/States/F')!.name = 'G';
    expect(drawnProblems(def, graphRoot(g))).toEqual(['state /States/F is drawn as "G"']);
  });

  test('text that is not JSON is a problem, not an exception', () => {
    expect(drawnProblems('{', graphRoot(buildGraph({})))[0]).toMatch(/not JSON/);
  });
});
