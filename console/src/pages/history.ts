// What happened in an execution, derived from its GetExecutionHistory events (AWS's shape): one
// visit per state entered, with its status, task attempts, error and cause and the data trail.
// Pure (no DOM, no API) so it is unit-tested on recorded histories.
//
// Events are tied to each other by previousEventId, as AWS records them: an event follows the
// one it names, so walking that chain back finds the state it belongs to (the nearest
// *StateEntered) and the Map iteration it ran in (the nearest MapIterationStarted), even when
// iterations and branches interleave in the list.
import type { Graph, StateStatus } from '../graph/model';

export interface HistoryEvent {
  id: number;
  previousEventId?: number;
  timestamp: number;
  type: string;
  [details: string]: any;
}

export interface Iteration {
  map: string;
  index: number;
}

export interface Attempt {
  start: number;
  end?: number;
  ok?: boolean;
  error?: string;
  cause?: string;
}

export interface Visit {
  name: string;
  /** State type from the event names: Task, Pass, Choice, Wait, Succeed, Fail, Map, Parallel. */
  type: string;
  /** Map iterations this visit ran in, outermost first ([] at top level). */
  path: Iteration[];
  entered: HistoryEvent;
  exited?: HistoryEvent;
  status: StateStatus;
  attempts: Attempt[];
  error?: string;
  cause?: string;
  resource?: string;
  input?: string;
  parameters?: string;
  result?: string;
  output?: string;
  events: HistoryEvent[];
}

export interface Derived {
  visits: Visit[];
  /** Map state name → iteration indexes seen (for the iteration picker). */
  iterations: Record<string, number[]>;
  start: number;
  end?: number;
  ended: boolean;
}

const ENDED = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** details returns the event's one *EventDetails member (AWS names it after the type). */
export function details(e: HistoryEvent): any {
  for (const k of Object.keys(e)) if (k.endsWith('EventDetails')) return e[k];
  return undefined;
}

function isEntered(e: HistoryEvent) {
  return e.type.endsWith('StateEntered');
}

export function derive(events: HistoryEvent[]): Derived {
  const byId = new Map<number, HistoryEvent>();
  for (const e of events) byId.set(e.id, e);
  const prev = (e: HistoryEvent) => (e.previousEventId ? byId.get(e.previousEventId) : undefined);

  // the iteration path of every event, through the chain (memoised; the chain only points back)
  const paths = new Map<number, Iteration[]>();
  const pathOf = (e: HistoryEvent): Iteration[] => {
    const known = paths.get(e.id);
    if (known) return known;
    const chain: HistoryEvent[] = [];
    let cur: HistoryEvent | undefined = e;
    let base: Iteration[] = [];
    while (cur) {
      const k = paths.get(cur.id);
      if (k) {
        base = k;
        break;
      }
      chain.push(cur);
      cur = prev(cur);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i];
      if (c.type === 'MapIterationStarted') {
        const d = details(c) ?? {};
        base = [...base, { map: String(d.name ?? ''), index: Number(d.index ?? 0) }];
      }
      paths.set(c.id, base);
    }
    return base;
  };

  // the visit every event belongs to: the nearest *StateEntered back along the chain, except
  // that a Map's or Parallel's own events (MapStateFailed, ParallelStateSucceeded, ...) belong to
  // the nearest Map/Parallel entered at their own iteration depth, not to an inner state.
  const visitAt = new Map<number, Visit>();
  const visits: Visit[] = [];
  const visitOf = (e: HistoryEvent): Visit | undefined => {
    const own = /^(Map|Parallel)State(?!Entered|Exited)/.test(e.type);
    const depth = pathOf(e).length;
    for (let cur = prev(e); cur; cur = prev(cur)) {
      if (!isEntered(cur)) continue;
      const v = visitAt.get(cur.id);
      if (!v) continue;
      if (!own) return v;
      if ((v.type === 'Map' || v.type === 'Parallel') && v.path.length <= depth) return v;
    }
    return undefined;
  };

  const failures = new Map<Visit, number>();
  const iterations: Record<string, number[]> = {};
  let start = events[0]?.timestamp ?? 0;
  let end: number | undefined;
  let ended = false;
  for (const e of events) {
    const d = details(e) ?? {};
    if (e.type === 'ExecutionStarted') start = e.timestamp;
    if (ENDED.has(e.type)) {
      ended = true;
      end = e.timestamp;
    }
    if (e.type === 'MapIterationStarted') {
      const list = (iterations[String(d.name)] ??= []);
      if (!list.includes(Number(d.index))) list.push(Number(d.index));
    }
    if (isEntered(e)) {
      const v: Visit = {
        name: String(d.name ?? ''), type: e.type.slice(0, -'StateEntered'.length), path: pathOf(e),
        entered: e, status: 'running', attempts: [], input: d.input, events: [e],
      };
      visits.push(v);
      visitAt.set(e.id, v);
      continue;
    }
    const v = visitOf(e);
    if (!v) continue;
    v.events.push(e);
    if (e.type.endsWith('StateExited')) {
      v.exited = e;
      v.output = d.output;
    } else if (e.type.endsWith('Scheduled')) {
      v.attempts.push({ start: e.timestamp });
      if (d.resourceType) v.resource = `${d.resourceType}:${d.resource}`;
      if (d.parameters !== undefined) v.parameters = d.parameters;
    } else if (e.type.endsWith('Succeeded') && !e.type.startsWith('MapIteration') && !e.type.startsWith('Execution')) {
      const a = v.attempts[v.attempts.length - 1];
      if (a && a.end === undefined) Object.assign(a, { end: e.timestamp, ok: true });
      if (d.output !== undefined) v.result = d.output;
    } else if (d.error !== undefined || d.cause !== undefined || /Failed$|TimedOut$|Aborted$/.test(e.type)) {
      if (e.type.startsWith('MapIteration')) continue; // the inner state has it
      const a = v.attempts[v.attempts.length - 1];
      if (a && a.end === undefined) Object.assign(a, { end: e.timestamp, ok: false, error: d.error, cause: d.cause });
      v.error = d.error ?? v.error;
      v.cause = d.cause ?? v.cause;
      failures.set(v, (failures.get(v) ?? 0) + 1);
    }
  }

  for (const v of visits) {
    const failed = failures.get(v) ?? 0;
    const lastOk = v.attempts.length > 0 && v.attempts[v.attempts.length - 1].ok === true;
    if (v.type === 'Fail') {
      v.status = 'failed';
      const d = details(v.events.find((e) => e.type === 'ExecutionFailed') ?? v.entered) ?? {};
      v.error ??= d.error;
      v.cause ??= d.cause;
    } else if (v.exited) {
      v.status = failed === 0 ? 'succeeded' : lastOk ? 'retried' : 'caught';
    } else {
      v.status = ended ? 'failed' : failed > 0 && !lastOk ? 'retried' : 'running';
    }
  }
  for (const list of Object.values(iterations)) list.sort((a, b) => a - b);
  return { visits, iterations, start, end, ended };
}

/** inSelection reports whether a visit ran in the picked iterations (index 0 of a Map when none
 *  is picked). */
export function inSelection(v: Visit, picked: Record<string, number>): boolean {
  return v.path.every((it) => (picked[it.map] ?? 0) === it.index);
}

/** nodeStatus colours the graph: the status of each state's last visit in the picked
 *  iterations, keyed by the graph's node ids; states never entered are "notreached". */
export function nodeStatus(g: Graph, d: Derived, picked: Record<string, number>): Record<string, StateStatus> {
  const idByName = new Map<string, string>();
  for (const n of g.nodes) if (n.name && !idByName.has(n.name)) idByName.set(n.name, n.id);
  const out: Record<string, StateStatus> = {};
  for (const n of g.nodes) if (n.name) out[n.id] = 'notreached';
  for (const v of d.visits) {
    const id = idByName.get(v.name);
    if (id && inSelection(v, picked)) out[id] = v.status;
  }
  return out;
}
