import { describe, expect, test } from 'vitest';
import ecommerceText from '../../../examples/ecommerce/order-processing.asl.json?raw';
import { buildGraph } from './build';
import { clearLayoutCache, compareNatural, layoutGraph } from './layout';
import type { Graph } from './model';
import { problems, shuffleStates } from './testkit';

const ecommerce = JSON.parse(ecommerceText);

const nested = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel', Next: 'Done',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Oops' }],
      Branches: [
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map', End: true,
              ItemProcessor: {
                StartAt: 'Inner',
                States: {
                  Inner: {
                    Type: 'Parallel', Next: 'Check',
                    Branches: [
                      { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } } },
                      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } },
                    ],
                  },
                  Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Yes' }], Default: 'No' },
                  Yes: { Type: 'Succeed' },
                  No: { Type: 'Fail', Error: 'No' },
                },
              },
            },
          },
        },
        { StartAt: 'Solo', States: { Solo: { Type: 'Pass', End: true } } },
      ],
    },
    Oops: { Type: 'Fail', Error: 'Oops' },
    Done: { Type: 'Succeed' },
  },
};

/** A machine of n states: a chain of Tasks with Choices branching off and joining back. */
function big(n: number): unknown {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? `S${i + 1}` : undefined;
    const end = next ? { Next: next } : { End: true };
    if (i % 10 === 5 && i + 3 < n) {
      states[`S${i}`] = { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: i, Next: `S${i + 2}` }], Default: `S${i + 1}` };
    } else if (i % 7 === 3) {
      states[`S${i}`] = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }], ...end };
    } else {
      states[`S${i}`] = { Type: 'Pass', ...end };
    }
  }
  states.Failed = { Type: 'Fail', Error: 'Failed' };
  return { StartAt: 'S0', States: states };
}

// Generous timeouts: the machine running the tests may be loaded; speed is not asserted here.
describe('layoutGraph', { timeout: 120_000 }, () => {
  test.each([['ecommerce', ecommerce], ['nested', nested], ['120 states', big(120)]])('%s: every node, group and edge is placed, nested inside-out, without overlaps', (_, def) => {
    const g = buildGraph(def);
    expect(problems(def, g, layoutGraph(g))).toEqual([]);
  });

  // Each layout below starts from an empty cache, so dagre itself is what must be deterministic.
  const fresh = (def: unknown) => {
    clearLayoutCache();
    return layoutGraph(buildGraph(def));
  };

  test('the same definition always gets the same coordinates', () => {
    for (const def of [ecommerce, nested, big(60)]) {
      expect(fresh(def)).toEqual(fresh(structuredClone(def)));
    }
  });

  test('a cached level gives the same answer, and an edit inside one level moves only what it must', () => {
    clearLayoutCache();
    const first = layoutGraph(buildGraph(nested));
    expect(layoutGraph(buildGraph(nested))).toEqual(first);
    expect(fresh(nested)).toEqual(first);
    // A Parameters edit changes nothing drawn.
    const edited = structuredClone(nested) as any;
    edited.States.Fan.Branches[1].States.Solo.Parameters = { x: 1 };
    expect(layoutGraph(buildGraph(edited))).toEqual(first);
    // A new state in one branch changes the layout, and matches a layout from scratch.
    edited.States.Fan.Branches[1].States.Solo = { Type: 'Pass', Next: 'Two' };
    edited.States.Fan.Branches[1].States.Two = { Type: 'Pass', End: true };
    const warm = layoutGraph(buildGraph(edited));
    expect(warm).not.toEqual(first);
    expect(fresh(edited)).toEqual(warm);
  });

  test('the key order of States does not move anything', () => {
    for (const def of [ecommerce, nested, big(60)]) {
      const want = fresh(def);
      let moved = 0;
      for (const seed of [1, 7, 42]) {
        const shuffled = shuffleStates(def, seed);
        if (JSON.stringify(shuffled) !== JSON.stringify(def)) moved++;
        expect(fresh(shuffled)).toEqual(want);
      }
      expect(moved, 'the shuffles changed the key order').toBeGreaterThan(0);
    }
  });

  test('the order of the graph arrays does not move anything', () => {
    const g = buildGraph(nested);
    const reversed: Graph = { nodes: [...g.nodes].reverse(), edges: [...g.edges].reverse(), groups: [...g.groups].reverse() };
    clearLayoutCache();
    const want = layoutGraph(g);
    clearLayoutCache();
    expect(layoutGraph(reversed)).toEqual(want);
  });

  test('a container holds its groups side by side under its header, edges start and end at their boxes', () => {
    const g = buildGraph(nested);
    const l = layoutGraph(g);
    const b0 = l.groups['/States/Fan/Branches/0'];
    const b1 = l.groups['/States/Fan/Branches/1'];
    expect(b0.x + b0.width).toBeLessThanOrEqual(b1.x);
    expect(b0.y).toBeGreaterThan(l.nodes['/States/Fan'].y);
    for (const e of g.edges) {
      const pts = l.edges[e.id].points;
      const near = (p: { x: number; y: number }, id: string) => {
        const b = l.nodes[id];
        return p.x >= b.x - 1 && p.x <= b.x + b.width + 1 && p.y >= b.y - 1 && p.y <= b.y + b.height + 1;
      };
      expect(near(pts[0], e.from), `${e.id} starts at ${e.from}`).toBe(true);
      expect(near(pts[pts.length - 1], e.to), `${e.id} ends at ${e.to}`).toBe(true);
    }
  });

  test('flows top to bottom: start marker above the first state, end marker below the last', () => {
    const l = layoutGraph(buildGraph({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } }));
    expect(l.nodes['/@start'].y).toBeLessThan(l.nodes['/States/A'].y);
    expect(l.nodes['/States/A'].y).toBeLessThan(l.nodes['/States/B'].y);
    expect(l.nodes['/States/B'].y).toBeLessThan(l.nodes['/@end'].y);
  });

  test('a half-written machine keeps Start above and End below every state', () => {
    const g = buildGraph({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' }, B: {}, C: { Type: 'Succeed' } } });
    const l = layoutGraph(g);
    for (const n of g.nodes) {
      if (n.kind === 'Start' || n.kind === 'End') continue;
      expect(l.nodes['/@start'].y, n.id).toBeLessThan(l.nodes[n.id].y);
      expect(l.nodes['/@end'].y, n.id).toBeGreaterThan(l.nodes[n.id].y);
    }
    // Only the real edges are in the layout.
    expect(Object.keys(l.edges).sort()).toEqual(g.edges.map((e) => e.id).sort());
    const empty = layoutGraph(buildGraph({}));
    expect(empty.nodes['/@start'].y).toBeLessThan(empty.nodes['/@end'].y);
  });

  test('an empty or unparsable definition lays out without throwing', () => {
    expect(layoutGraph(buildGraph('{'))).toMatchObject({ nodes: {}, edges: {} });
    expect(Object.keys(layoutGraph(buildGraph({})).nodes)).toEqual(['/@start', '/@end']);
  });

  test('compareNatural orders numbers by value', () => {
    expect(['a>choice:10', 'a>choice:2', 'a>catch:1', 'a>next'].sort(compareNatural)).toEqual(['a>catch:1', 'a>choice:2', 'a>choice:10', 'a>next']);
  });
});
