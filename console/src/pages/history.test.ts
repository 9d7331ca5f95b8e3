import { describe, expect, it } from 'vitest';
import { derive, nodeStatus, type HistoryEvent } from './history';
import type { Graph } from '../graph/model';
// histories recorded from a real `stepjet serve` (GetExecutionHistory, includeExecutionData)
import caught from './testdata/caught.json';
import uncaught from './testdata/uncaught.json';
import failstate from './testdata/failstate.json';
import map from './testdata/map.json';

const byName = (events: unknown, name: string) => derive(events as HistoryEvent[]).visits.filter((v) => v.name === name);

describe('derive', () => {
  it('marks a Task whose retries failed and whose Catch was taken as caught, with its error and cause', () => {
    const d = derive(caught as HistoryEvent[]);
    expect(d.ended).toBe(true);
    expect(d.visits.map((v) => [v.name, v.status])).toEqual([['P', 'succeeded'], ['T', 'caught'], ['F', 'succeeded']]);
    const t = d.visits[1];
    expect(t.error).toBe('States.Http.Socket');
    expect(t.cause).toContain('connection refused');
    expect(t.attempts).toHaveLength(2); // the first try and its one retry
    expect(t.attempts.every((a) => a.ok === false && a.end !== undefined)).toBe(true);
    expect(t.resource).toBe('http:invoke');
    expect(t.parameters).toContain('ApiEndpoint');
    expect(t.input).toBe('{"a":1}');
    expect(t.output).toContain('"err"');
  });
  it('marks the state an uncaught failure ended the execution in as failed', () => {
    const [t] = byName(uncaught, 'T');
    expect(t.status).toBe('failed');
    expect(t.error).toBe('States.Http.Socket');
  });
  it('marks a Fail state failed with the execution error', () => {
    const d = derive(failstate as HistoryEvent[]);
    expect(d.visits.map((v) => [v.name, v.status])).toEqual([['C', 'succeeded'], ['Bad', 'failed']]);
    expect(d.visits[1].error).toBe('Oops');
    expect(d.visits[1].cause).toBe('x was 1');
  });
  it('ties states inside Map iterations to their iteration through previousEventId', () => {
    const d = derive(map as HistoryEvent[]);
    expect(d.iterations).toEqual({ M: [0, 1] });
    const inner = d.visits.filter((v) => v.path.length > 0).map((v) => `${v.path[0].index}:${v.name}`).sort();
    expect(inner).toEqual(['0:C', '0:One', '1:C', '1:Other']);
    expect(d.visits.find((v) => v.name === 'M')?.status).toBe('succeeded');
    expect(d.visits.find((v) => v.name === 'Par')?.status).toBe('succeeded');
    expect(byName(map, 'B1')[0].path).toEqual([]);
  });
  it('is running while the execution has not ended', () => {
    const partial = (caught as HistoryEvent[]).slice(0, 5); // up to the first TaskScheduled
    const d = derive(partial);
    expect(d.ended).toBe(false);
    expect(d.visits.find((v) => v.name === 'T')?.status).toBe('running');
  });
});

describe('nodeStatus', () => {
  const g: Graph = {
    nodes: [
      { id: '/States/M', kind: 'Map', name: 'M', parent: null },
      { id: '/States/M/ItemProcessor/States/C', kind: 'Choice', name: 'C', parent: '/States/M/ItemProcessor' },
      { id: '/States/M/ItemProcessor/States/One', kind: 'Pass', name: 'One', parent: '/States/M/ItemProcessor' },
      { id: '/States/M/ItemProcessor/States/Other', kind: 'Pass', name: 'Other', parent: '/States/M/ItemProcessor' },
      { id: '/@end', kind: 'End', name: '', parent: null },
    ],
    edges: [],
    groups: [],
  };
  it('colours the picked Map iteration', () => {
    const d = derive(map as HistoryEvent[]);
    const s0 = nodeStatus(g, d, {});
    expect(s0['/States/M/ItemProcessor/States/One']).toBe('succeeded');
    expect(s0['/States/M/ItemProcessor/States/Other']).toBe('notreached');
    const s1 = nodeStatus(g, d, { M: 1 });
    expect(s1['/States/M/ItemProcessor/States/One']).toBe('notreached');
    expect(s1['/States/M/ItemProcessor/States/Other']).toBe('succeeded');
    expect(s1['/@end']).toBeUndefined();
  });
});
