// #/executions/:arn: an execution's summary and what happened in it, as a graph coloured by
// state status, a table with a timeline, and AWS's event list; a state's input, output and
// error in a side panel. A running execution is polled until it ends.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { call } from '../api';
import { DefinitionGraph } from './Machine';
import { buildGraph } from './parts';
import { derive, details, inSelection, nodeStatus, type Derived, type HistoryEvent, type Visit } from './history';
import { href } from './router';
import { ErrorBox, fmtDate, fmtDuration, Json, machineName, StatusBadge } from './util';

/** How often a running execution is polled. */
const POLL_MS = 1000;
/** How long an execution with no record yet is waited for: its first record is written 200 ms
 * into its run or when it ends (docs/api.md "Execution records"), later when its start is
 * queued, so the page opened right after StartExecution may see ExecutionDoesNotExist first. */
const FIRST_RECORD_WAIT_MS = 30_000;

interface ExecState {
  exec?: any;
  definition?: string;
  events: HistoryEvent[];
  error?: Error;
  /** How many ExecutionDoesNotExist answers were waited through (no record yet); the
   * browser logs each as a failed request, which the e2e tests count on. */
  waits: number;
}

/** fetchHistory reads every page of an execution's history (with its data). */
async function fetchHistory(arn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const r = await call('GetExecutionHistory', { executionArn: arn, includeExecutionData: true, maxResults: 1000, nextToken });
    events.push(...(r.events ?? []));
    nextToken = r.nextToken;
  } while (nextToken);
  return events;
}

function useExecution(arn: string): ExecState {
  const [st, setSt] = useState<ExecState>({ events: [], waits: 0 });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let definition: string | undefined;
    const opened = Date.now();
    const poll = async () => {
      try {
        const exec = await call('DescribeExecution', { executionArn: arn });
        if (definition === undefined) {
          definition = (await call('DescribeStateMachineForExecution', { executionArn: arn })).definition as string;
        }
        const events = await fetchHistory(arn);
        if (!live) return;
        setSt((s) => ({ exec, definition, events, waits: s.waits }));
        if (exec.status === 'RUNNING') timer = setTimeout(poll, POLL_MS);
      } catch (e) {
        if (!live) return;
        if ((e as Error).name === 'ExecutionDoesNotExist' && Date.now() - opened < FIRST_RECORD_WAIT_MS) {
          setSt((s) => ({ ...s, waits: s.waits + 1 }));
          timer = setTimeout(poll, POLL_MS);
          return;
        }
        setSt((s) => ({ ...s, error: e as Error }));
      }
    };
    poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [arn]);
  return st;
}

type View = 'graph' | 'table' | 'events';

export function ExecutionPage({ arn }: { arn: string }) {
  const { exec, definition, events, error, waits } = useExecution(arn);
  const [view, setView] = useState<View>('graph');
  const [picked, setPicked] = useState<Record<string, number>>({});
  const [selected, setSelected] = useState<string | null>(null);
  const derived = useMemo(() => derive(events), [events]);
  const graph = useMemo(() => {
    try {
      return definition ? buildGraph(JSON.parse(definition)) : null;
    } catch {
      return null;
    }
  }, [definition]);
  const status = useMemo(() => (graph ? nodeStatus(graph, derived, picked) : {}), [graph, derived, picked]);
  const selectedName = graph?.nodes.find((n) => n.id === selected)?.name ?? '';
  const selectByName = (name: string) => setSelected(graph?.nodes.find((n) => n.name === name)?.id ?? null);
  // before the record is read: the machine's name is in the execution's ARN
  // (arn:aws:states:REGION:ACCOUNT:execution|express:MACHINE:NAME[:ID])
  const mname = exec ? machineName(exec.stateMachineArn) : (arn.split(':')[6] ?? '');

  return (
    <section data-first-record-waits={waits}>
      <div class="toolbar">
        <h1>
          <a href={href.machines()}>State machines</a> / {mname && <a href={href.machine(mname)}>{mname}</a>} / {exec?.name ?? 'execution'}
        </h1>
      </div>
      <ErrorBox error={error} />
      {waits > 0 && !exec && !error && <p class="muted" data-testid="execution-waiting">Waiting for the execution's first record (written 200 ms into its run, or when it ends)…</p>}
      {exec && <Summary exec={exec} />}
      {exec && (
        <>
          <div class="tabs" role="tablist">
            {(['graph', 'table', 'events'] as View[]).map((v) => (
              <button key={v} role="tab" aria-selected={view === v} class={view === v ? 'active' : ''} data-testid={`view-${v}`} onClick={() => setView(v)}>
                {v === 'graph' ? 'Graph view' : v === 'table' ? 'Table view' : 'Event view'}
              </button>
            ))}
            <span class="spacer" />
            {Object.entries(derived.iterations).map(([map, idx]) => (
              <label class="inline" key={map}>
                {map} iteration
                <select data-testid={`iteration-${map}`} value={picked[map] ?? 0} onChange={(e) => setPicked({ ...picked, [map]: Number(e.currentTarget.value) })}>
                  {idx.map((i) => <option key={i} value={i}>{i}</option>)}
                </select>
              </label>
            ))}
          </div>
          <div class="columns">
            <div class="grow">
              {view === 'graph' && definition && (
                <div class="panel"><DefinitionGraph definition={definition} status={status} selected={selected} onSelect={setSelected} /></div>
              )}
              {view === 'table' && <StateTable derived={derived} picked={picked} selectedName={selectedName} onSelect={selectByName} />}
              {view === 'events' && <EventTable events={events} start={derived.start} />}
            </div>
            <div class="panel side" data-testid="state-details">
              <StateDetails name={selectedName} visits={derived.visits.filter((v) => v.name === selectedName && inSelection(v, picked))} start={derived.start} />
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function Summary({ exec }: { exec: any }) {
  const dur = exec.stopDate ? exec.stopDate - exec.startDate : undefined;
  return (
    <div class="panel">
      <dl class="summary">
        <dt>Status</dt><dd><StatusBadge status={exec.status} testid="execution-status" /></dd>
        <dt>Started</dt><dd>{fmtDate(exec.startDate)}</dd>
        <dt>Ended</dt><dd>{fmtDate(exec.stopDate) || '—'}</dd>
        <dt>Duration</dt><dd>{dur !== undefined ? fmtDuration(dur) : 'running'}</dd>
        <dt>Redrives</dt><dd>{exec.redriveCount ?? 0}</dd>
        <dt>ARN</dt><dd><code>{exec.executionArn}</code></dd>
      </dl>
      {(exec.error || exec.cause) && (
        <div class="error" data-testid="execution-error"><strong>{exec.error}</strong> {exec.cause}</div>
      )}
      <div class="columns">
        <details class="grow"><summary>Input</summary><Json text={exec.input} /></details>
        <details class="grow" open={exec.status !== 'RUNNING'}><summary>Output</summary>
          {exec.output === undefined && exec.status !== 'SUCCEEDED' ? <p class="muted">none: the execution {exec.status === 'RUNNING' ? 'is running' : 'did not succeed'}</p> : <Json text={exec.output} />}
        </details>
      </div>
    </div>
  );
}

function StateTable({ derived, picked, selectedName, onSelect }: { derived: Derived; picked: Record<string, number>; selectedName: string; onSelect: (n: string) => void }) {
  const visits = derived.visits.filter((v) => inSelection(v, picked));
  const end = derived.end ?? Math.max(derived.start, ...derived.visits.map((v) => v.events[v.events.length - 1].timestamp));
  const span = Math.max(end - derived.start, 0.001);
  const W = 240;
  const x = (t: number) => ((t - derived.start) / span) * W;
  return (
    <table class="list" data-testid="state-table">
      <thead><tr><th>State</th><th>Type</th><th>Status</th><th>Resource</th><th>Started after</th><th>Duration</th><th>Timeline</th></tr></thead>
      <tbody>
        {visits.map((v) => {
          const stop = v.exited?.timestamp ?? v.events[v.events.length - 1].timestamp;
          return (
            <tr key={v.entered.id} class={v.name === selectedName ? 'selected' : ''} onClick={() => onSelect(v.name)} data-state={v.name}>
              <td>{v.name}{v.path.length > 0 && <span class="muted"> [{v.path.map((p) => `${p.map}#${p.index}`).join(' ')}]</span>}</td>
              <td>{v.type}</td>
              <td><StatusBadge status={v.status} /></td>
              <td><code>{v.resource ?? ''}</code></td>
              <td>{fmtDuration(v.entered.timestamp - derived.start)}</td>
              <td>{fmtDuration(stop - v.entered.timestamp)}</td>
              <td>
                <svg class="timeline" width={W} height={14} aria-label="timeline">
                  <rect class="tl-state" x={x(v.entered.timestamp)} y={5} width={Math.max(x(stop) - x(v.entered.timestamp), 1)} height={4} />
                  {v.attempts.map((a, i) => {
                    const next = v.attempts[i + 1];
                    const aEnd = a.end ?? stop;
                    return (
                      <g key={i}>
                        <rect class={a.ok === false ? 'tl-fail' : 'tl-ok'} x={x(a.start)} y={2} width={Math.max(x(aEnd) - x(a.start), 2)} height={10}><title>attempt {i + 1}{a.error ? `: ${a.error}` : ''}</title></rect>
                        {next && <rect class="tl-backoff" x={x(aEnd)} y={5} width={Math.max(x(next.start) - x(aEnd), 1)} height={4}><title>retry backoff {fmtDuration(next.start - aEnd)}</title></rect>}
                      </g>
                    );
                  })}
                </svg>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const PAGE = 50;

function EventTable({ events, start }: { events: HistoryEvent[]; start: number }) {
  const [page, setPage] = useState(0);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const pages = Math.max(1, Math.ceil(events.length / PAGE));
  const shown = events.slice(page * PAGE, page * PAGE + PAGE);
  const toggle = (id: number) => {
    const s = new Set(open);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    setOpen(s);
  };
  return (
    <div class="panel">
      <div class="toolbar">
        <span>{events.length} events</span>
        <span class="spacer" />
        <button class="secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
        <span>page {page + 1} of {pages}</span>
        <button class="secondary" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>Next</button>
      </div>
      <table class="list" data-testid="event-table">
        <thead><tr><th>ID</th><th>Type</th><th>Step</th><th>Elapsed</th><th>Timestamp</th></tr></thead>
        <tbody>
          {shown.map((e) => {
            const d = details(e);
            return [
              <tr key={e.id} class="clickable" onClick={() => toggle(e.id)} data-event-type={e.type}>
                <td>{open.has(e.id) ? '▾' : '▸'} {e.id}</td>
                <td>{e.type}</td>
                <td>{d?.name ?? ''}</td>
                <td>{fmtDuration(e.timestamp - start)}</td>
                <td>{fmtDate(e.timestamp)}</td>
              </tr>,
              open.has(e.id) && (
                <tr key={`${e.id}-d`} class="details"><td colSpan={5}><pre class="json">{JSON.stringify(e, null, 2)}</pre></td></tr>
              ),
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}

function StateDetails({ name, visits, start }: { name: string; visits: Visit[]; start: number }) {
  if (!name) return <p class="muted">Select a state to see its input, output and errors.</p>;
  if (visits.length === 0) return <><h2>{name}</h2><p class="muted">Not reached.</p></>;
  return (
    <>
      <h2 data-testid="state-name">{name}</h2>
      {visits.map((v, i) => (
        <div key={v.entered.id} class="visit">
          {visits.length > 1 && <h3>Visit {i + 1}</h3>}
          <p><StatusBadge status={v.status} testid="state-status" /> {v.type} {v.resource && <code>{v.resource}</code>} <span class="muted">after {fmtDuration(v.entered.timestamp - start)}</span></p>
          {(v.error || v.cause) && (
            <div class="error" data-testid="state-error"><strong>{v.error}</strong> <span data-testid="state-cause">{v.cause}</span></div>
          )}
          {v.attempts.length > 1 && (
            <ol class="attempts">
              {v.attempts.map((a, j) => <li key={j}>{a.ok ? 'succeeded' : a.ok === false ? `failed: ${a.error ?? ''}` : 'running'} after {fmtDuration((a.end ?? a.start) - a.start)}</li>)}
            </ol>
          )}
          <h3>Data trail</h3>
          <ol class="trail">
            <li><span class="step">Input</span><Json text={v.input} /></li>
            {v.parameters !== undefined && <li><span class="step">After InputPath and Parameters (the task's parameters)</span><Json text={v.parameters} /></li>}
            {v.result !== undefined && <li><span class="step">Task result (before ResultSelector)</span><Json text={v.result} /></li>}
            <li><span class="step">Output (after ResultSelector, ResultPath and OutputPath)</span>{v.exited ? <Json text={v.output} /> : <p class="muted">{v.status === 'running' ? 'running' : 'none: the state did not complete'}</p>}</li>
          </ol>
        </div>
      ))}
    </>
  );
}

