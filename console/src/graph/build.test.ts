import { describe, expect, test } from 'vitest';
import { buildGraph, pointerToken } from './build';
import type { Graph } from './model';
import { choiceRuleText } from './rules';

const node = (g: Graph, id: string) => g.nodes.find((n) => n.id === id);
const edge = (g: Graph, id: string) => g.edges.find((e) => e.id === id);

describe('buildGraph', { timeout: 60_000 }, () => {
  test('every state type becomes a node of its kind, with start and end markers', () => {
    const g = buildGraph({
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'P' },
        P: { Type: 'Pass', Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 3, Next: 'W' }], Default: 'F' },
        W: { Type: 'Wait', Seconds: 1, Next: 'Par' },
        Par: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }], Next: 'M' },
        M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Next: 'S' },
        S: { Type: 'Succeed' },
        F: { Type: 'Fail', Error: 'E' },
      },
    });
    const kinds = Object.fromEntries(g.nodes.filter((n) => n.parent === null).map((n) => [n.id, n.kind]));
    expect(kinds).toEqual({
      '/@start': 'Start', '/States/T': 'Task', '/States/P': 'Pass', '/States/C': 'Choice', '/States/W': 'Wait',
      '/States/Par': 'Parallel', '/States/M': 'Map', '/States/S': 'Succeed', '/States/F': 'Fail', '/@end': 'End',
    });
    expect(node(g, '/States/T')).toMatchObject({ name: 'T', resource: 'arn:aws:states:::lambda:invoke', start: true });
    expect(edge(g, '/@start>start')).toMatchObject({ from: '/@start', to: '/States/T', kind: 'start' });
    // Succeed and Fail are terminal: they end at the End marker.
    expect(edge(g, '/States/S>end')).toMatchObject({ to: '/@end', kind: 'end' });
    expect(edge(g, '/States/F>end')).toMatchObject({ to: '/@end', kind: 'end' });
    expect(node(g, '/States/S')!.end).toBe(true);
    expect(edge(g, '/States/T>next')).toMatchObject({ to: '/States/P', kind: 'next' });
    expect(edge(g, '/States/C>default')).toMatchObject({ to: '/States/F', kind: 'default', label: 'Default' });
    expect(edge(g, '/States/C>choice:0')).toMatchObject({ to: '/States/W', kind: 'choice', label: '$.x == 3' });
  });

  test('nodes come in reading order from StartAt, whatever the key order', () => {
    const g = buildGraph({
      StartAt: 'A',
      States: { Z: { Type: 'Pass', End: true }, B: { Type: 'Pass', Next: 'Z' }, Lone: { Type: 'Pass', End: true }, A: { Type: 'Pass', Next: 'B' } },
    });
    expect(g.nodes.map((n) => n.name || n.kind)).toEqual(['Start', 'A', 'B', 'Z', 'Lone', 'End']);
  });

  test('Catch edges are kind catch, labelled with their errors; Retry errors are on the node', () => {
    const g = buildGraph({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', End: true,
          Retry: [{ ErrorEquals: ['States.Timeout', 'Busy'] }, { ErrorEquals: ['States.ALL'] }],
          Catch: [{ ErrorEquals: ['A', 'B'], Next: 'H1' }, { ErrorEquals: ['States.ALL'], Next: 'H2' }],
        },
        H1: { Type: 'Pass', End: true },
        H2: { Type: 'Fail' },
      },
    });
    expect(edge(g, '/States/T>catch:0')).toMatchObject({ from: '/States/T', to: '/States/H1', kind: 'catch', label: 'A, B' });
    expect(edge(g, '/States/T>catch:1')).toMatchObject({ to: '/States/H2', kind: 'catch', label: 'States.ALL' });
    expect(node(g, '/States/T')!.retry).toEqual([['States.Timeout', 'Busy'], ['States.ALL']]);
    expect(edge(g, '/States/T>end')).toBeDefined();
  });

  test('Parallel in Map in Parallel: nested groups with their own markers, ids as JSON pointers', () => {
    const leaf = { StartAt: 'L', States: { L: { Type: 'Pass', End: true } } };
    const g = buildGraph({
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Parallel', End: true,
          Branches: [
            { StartAt: 'M', States: { M: { Type: 'Map', Iterator: { StartAt: 'Inner', States: { Inner: { Type: 'Parallel', Branches: [leaf, leaf], End: true } } }, End: true } } },
            leaf,
          ],
        },
      },
    });
    const b0 = '/States/Outer/Branches/0';
    const it = `${b0}/States/M/Iterator`;
    const inner = `${it}/States/Inner`;
    expect(g.groups).toEqual([
      { id: b0, kind: 'branch', owner: '/States/Outer', parent: null },
      { id: it, kind: 'processor', owner: `${b0}/States/M`, parent: b0 },
      { id: `${inner}/Branches/0`, kind: 'branch', owner: inner, parent: it },
      { id: `${inner}/Branches/1`, kind: 'branch', owner: inner, parent: it },
      { id: '/States/Outer/Branches/1', kind: 'branch', owner: '/States/Outer', parent: null },
    ]);
    expect(node(g, `${inner}/Branches/1/States/L`)).toMatchObject({ kind: 'Pass', parent: `${inner}/Branches/1`, start: true, end: true });
    for (const level of [b0, it, `${inner}/Branches/0`, `${inner}/Branches/1`, '/States/Outer/Branches/1']) {
      expect(node(g, `${level}/@start`)).toMatchObject({ kind: 'Start', parent: level });
      expect(node(g, `${level}/@end`)).toMatchObject({ kind: 'End', parent: level });
    }
    expect(edge(g, `${it}/@start>start`)).toMatchObject({ to: inner });
    expect(edge(g, `${inner}>end`)).toMatchObject({ to: `${it}/@end` });
    // Every edge stays inside its level.
    const parent = new Map(g.nodes.map((n) => [n.id, n.parent]));
    for (const e of g.edges) expect(parent.get(e.from), e.id).toBe(parent.get(e.to));
  });

  test('Map with ItemProcessor', () => {
    const g = buildGraph({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Succeed' } } }, End: true } } });
    expect(g.groups).toEqual([{ id: '/States/M/ItemProcessor', kind: 'processor', owner: '/States/M', parent: null }]);
    expect(edge(g, '/States/M/ItemProcessor/States/X>end')).toMatchObject({ to: '/States/M/ItemProcessor/@end' });
  });

  test('state names are escaped as JSON pointer tokens', () => {
    expect(pointerToken('a/b~c')).toBe('a~1b~0c');
    const g = buildGraph({ StartAt: 'a/b', States: { 'a/b': { Type: 'Pass', Next: 'x~y' }, 'x~y': { Type: 'Succeed' } } });
    expect(edge(g, '/States/a~1b>next')).toMatchObject({ to: '/States/x~0y' });
    expect(node(g, '/States/x~0y')!.name).toBe('x~y');
  });

  test('half-written definitions draw what they can and never throw', () => {
    const partial: unknown[] = [
      undefined, null, 3, 'not json {', '', [], {}, { StartAt: 'A' }, { States: [] }, { States: { A: null } },
      { StartAt: 'A', States: { A: { Type: 'Task' } } }, { StartAt: 'A', States: { A: { Type: 'Parallel', Branches: [null, {}, { States: 3 }] } } },
      { StartAt: 'A', States: { A: { Type: 'Map', ItemProcessor: 'x' } } }, { StartAt: 'A', States: { A: { Type: 'Choice', Choices: [null, { Next: 5 }, { And: 'x', Next: 'A' }] } } },
      { StartAt: 'A', States: { A: { Type: 'Pass', Catch: [{ ErrorEquals: 'x', Next: 'A' }], Retry: [null] } } },
    ];
    for (const d of partial) expect(() => buildGraph(d), JSON.stringify(d)).not.toThrow();
    expect(buildGraph('not json {')).toEqual({ nodes: [], edges: [], groups: [] });
    expect(buildGraph({}).nodes.map((n) => n.kind)).toEqual(['Start', 'End']);
  });

  test('a state with no Type yet is Unknown; a Next to a missing state gets a placeholder', () => {
    const g = buildGraph('{"StartAt":"A","States":{"A":{"Type":"Pas","Next":"Nowhere"},"B":{}}}');
    expect(node(g, '/States/A')!.kind).toBe('Unknown');
    expect(node(g, '/States/B')!.kind).toBe('Unknown');
    expect(node(g, '/States/Nowhere')).toMatchObject({ kind: 'Unknown', missing: true });
    expect(edge(g, '/States/A>next')!.to).toBe('/States/Nowhere');
    // StartAt naming a missing state: the start edge points at a placeholder too.
    const h = buildGraph({ StartAt: 'Gone', States: {} });
    expect(edge(h, '/@start>start')!.to).toBe('/States/Gone');
    expect(node(h, '/States/Gone')!.missing).toBe(true);
  });

  test('accepts JSON text as well as an object', () => {
    const def = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
    expect(buildGraph(JSON.stringify(def))).toEqual(buildGraph(def));
  });

  test('long chains do not overflow the stack', () => {
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) states[`S${i}`] = i === 4999 ? { Type: 'Succeed' } : { Type: 'Pass', Next: `S${i + 1}` };
    const g = buildGraph({ StartAt: 'S0', States: states });
    expect(g.nodes.length).toBe(5002);
  });
});

describe('choiceRuleText', () => {
  test.each([
    [{ Variable: '$.x', NumericEquals: 3 }, '$.x == 3'],
    [{ Variable: '$.x', NumericLessThan: 3.5 }, '$.x < 3.5'],
    [{ Variable: '$.x', NumericGreaterThanEqualsPath: '$.y' }, '$.x >= $.y'],
    [{ Variable: '$.s', StringEquals: 'ok' }, '$.s == "ok"'],
    [{ Variable: '$.s', StringLessThanEqualsPath: '$$.Execution.Name' }, '$.s <= $$.Execution.Name'],
    [{ Variable: '$.s', StringMatches: 'log-*.txt' }, '$.s matches "log-*.txt"'],
    [{ Variable: '$.b', BooleanEquals: true }, '$.b == true'],
    [{ Variable: '$.t', TimestampGreaterThan: '2020-01-01T00:00:00Z' }, '$.t > "2020-01-01T00:00:00Z"'],
    [{ Variable: '$.v', IsNull: true }, '$.v is null'],
    [{ Variable: '$.v', IsPresent: false }, '$.v is not present'],
    [{ Variable: '$.v', IsNumeric: true }, '$.v is numeric'],
    [{ Variable: '$.v', IsTimestamp: false }, '$.v is not a timestamp'],
    [{ And: [{ Variable: '$.a', NumericEquals: 1 }, { Variable: '$.b', StringEquals: 'x' }] }, '$.a == 1 and $.b == "x"'],
    [{ Or: [{ Variable: '$.a', IsPresent: true }, { And: [{ Variable: '$.b', BooleanEquals: false }, { Variable: '$.c', NumericGreaterThan: 2 }] }] },
      '$.a is present or ($.b == false and $.c > 2)'],
    [{ Not: { Variable: '$.type', StringEquals: 'Private' } }, 'not $.type == "Private"'],
    [{ Not: { Or: [{ Variable: '$.a', IsNull: true }, { Variable: '$.b', IsNull: true }] } }, 'not ($.a is null or $.b is null)'],
    [{ Condition: '{% $states.input.x > 3 %}' }, '$states.input.x > 3'],
    [{ Condition: "{% $count($states.input.items) = 0 and $x != 'y' %}" }, "$count($states.input.items) = 0 and $x != 'y'"],
    [{ Variable: '$.x' }, '$.x'],
    [null, '?'],
  ])('%j → %s', (rule, text) => {
    expect(choiceRuleText(rule)).toBe(text);
  });

  test('a JSONata Choice gets its conditions as edge labels', () => {
    const g = buildGraph({
      QueryLanguage: 'JSONata', StartAt: 'C',
      States: { C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n < 10 %}', Next: 'Small' }], Default: 'Big' }, Small: { Type: 'Succeed' }, Big: { Type: 'Succeed' } },
    });
    expect(edge(g, '/States/C>choice:0')).toMatchObject({ label: '$states.input.n < 10', to: '/States/Small' });
  });
});
