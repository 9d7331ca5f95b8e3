// #/machines/:name: the definition's graph, versions and aliases, executions (filtered by
// status), start an execution (sync: the result at once; async: followed live on its page),
// edit and delete.
import { useMemo, useState } from 'preact/hooks';
import { call } from '../api';
import { buildGraph, GraphView, layoutGraph } from './parts';
import { href, navigate } from './router';
import { ErrorBox, fmtDate, Json, listAll, StatusBadge, useLoad } from './util';

/** findMachineArn resolves a machine's name to its ARN (routes carry names, the API wants ARNs). */
export async function findMachineArn(name: string): Promise<string> {
  const all = await listAll<{ name: string; stateMachineArn: string }>(async (nextToken) => {
    const r = await call('ListStateMachines', { maxResults: 1000, nextToken });
    return { items: r.stateMachines ?? [], nextToken: r.nextToken };
  });
  const m = all.find((x) => x.name === name);
  if (!m) {
    const e = new Error(`There is no state machine named ${name}.`);
    e.name = 'StateMachineDoesNotExist';
    throw e;
  }
  return m.stateMachineArn;
}

export function MachinePage({ name }: { name: string }) {
  const machine = useLoad(async () => call('DescribeStateMachine', { stateMachineArn: await findMachineArn(name) }), [name]);
  const m = machine.data;
  const [deleting, setDeleting] = useState(false);
  const [delErr, setDelErr] = useState<Error | null>(null);
  const del = async () => {
    try {
      await call('DeleteStateMachine', { stateMachineArn: m.stateMachineArn });
      navigate(href.machines());
    } catch (e) {
      setDelErr(e as Error);
    }
  };
  return (
    <section>
      <div class="toolbar">
        <h1><a href={href.machines()}>State machines</a> / {name}</h1>
        <span class="spacer" />
        {m && <a class="button secondary" href={href.edit(name)} data-testid="edit-machine">Edit</a>}
        {m && !deleting && <button class="danger" data-testid="delete-machine" onClick={() => setDeleting(true)}>Delete</button>}
        {deleting && (
          <span class="confirm">
            Delete {name}? <button class="danger" data-testid="confirm-delete" onClick={del}>Delete</button>
            <button class="secondary" onClick={() => setDeleting(false)}>Cancel</button>
          </span>
        )}
      </div>
      <ErrorBox error={machine.error ?? delErr} />
      {m && (
        <>
          <dl class="summary">
            <dt>ARN</dt><dd><code>{m.stateMachineArn}</code></dd>
            <dt>Type</dt><dd>{m.type}</dd>
            <dt>Created</dt><dd>{fmtDate(m.creationDate)}</dd>
            {m.description && (<><dt>Description</dt><dd>{m.description}</dd></>)}
          </dl>
          <div class="columns">
            <div class="panel grow">
              <h2>Definition</h2>
              <DefinitionGraph definition={m.definition} />
            </div>
            <div class="panel side">
              <StartExecution arn={m.stateMachineArn} />
              <VersionsAndAliases arn={m.stateMachineArn} />
            </div>
          </div>
          <Executions arn={m.stateMachineArn} />
        </>
      )}
    </section>
  );
}

export function DefinitionGraph({ definition, status, selected, onSelect }: {
  definition: string;
  status?: Record<string, import('../graph/model').StateStatus>;
  selected?: string | null;
  onSelect?: (id: string | null) => void;
}) {
  const parsed = useMemo(() => {
    try {
      const graph = buildGraph(JSON.parse(definition));
      return { graph, layout: layoutGraph(graph) };
    } catch (e) {
      return { error: e as Error };
    }
  }, [definition]);
  if ('error' in parsed) return <ErrorBox error={parsed.error} />;
  return (
    <div class="graph-frame">
      <GraphView graph={parsed.graph!} layout={parsed.layout!} status={status} selected={selected} onSelect={onSelect} />
    </div>
  );
}

/** How long a started execution is waited for before its page opens anyway. */
const RECORDED_MS = 120_000;

/**
 * waitRecorded returns once the server lists execution exec of machine (an async start is
 * recorded when an executor has run it for 200 ms or ended it, docs/api.md), or after
 * RECORDED_MS, or when listing fails (a server keeping no records): asking DescribeExecution
 * before then answers ExecutionDoesNotExist.
 */
async function waitRecorded(machine: string, exec: string): Promise<void> {
  const until = Date.now() + RECORDED_MS;
  while (Date.now() < until) {
    try {
      const r = await call('ListExecutions', { stateMachineArn: machine, maxResults: 100 });
      if ((r.executions ?? []).some((e: any) => e.executionArn === exec)) return;
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function StartExecution({ arn }: { arn: string }) {
  const [input, setInput] = useState('{}');
  const [name, setName] = useState('');
  const [sync, setSync] = useState(false);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<Error | null>(null);
  const [result, setResult] = useState<any>(null);
  const start = async () => {
    setErr(null);
    setResult(null);
    try {
      JSON.parse(input);
    } catch (e) {
      const ie = new Error(`the input is not JSON: ${(e as Error).message}`);
      ie.name = 'InvalidExecutionInput';
      setErr(ie);
      return;
    }
    setBusy(true);
    try {
      const body: any = { stateMachineArn: arn, input };
      if (name.trim()) body.name = name.trim();
      if (sync) setResult(await call('StartSyncExecution', body));
      else {
        const started = (await call('StartExecution', body)).executionArn as string;
        setResult({ waiting: started });
        await waitRecorded(arn, started);
        navigate(href.execution(started));
      }
    } catch (e) {
      setErr(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <h2>Start an execution</h2>
      <label>Input (JSON)
        <textarea class="code" rows={6} data-testid="execution-input" value={input} spellcheck={false} onInput={(e) => setInput(e.currentTarget.value)} />
      </label>
      <label>Name (optional) <input value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
      <label class="check"><input type="checkbox" data-testid="execution-sync" checked={sync} onChange={(e) => setSync(e.currentTarget.checked)} /> Synchronous (StartSyncExecution: wait for the result)</label>
      <button data-testid="start-execution" disabled={busy} onClick={start}>{busy ? 'Running…' : 'Start execution'}</button>
      <ErrorBox error={err} />
      {result?.waiting && <p class="muted" data-testid="execution-waiting">Started; opening it once the server has recorded it…</p>}
      {result && !result.waiting && (
        <div class="result" data-testid="sync-result">
          <p><StatusBadge status={result.status} testid="execution-status" /> <a href={href.execution(result.executionArn)}>Open the execution</a></p>
          {result.error && <p class="error"><strong>{result.error}</strong> {result.cause}</p>}
          {result.output !== undefined && <Json text={result.output} />}
        </div>
      )}
    </div>
  );
}

function VersionsAndAliases({ arn }: { arn: string }) {
  const data = useLoad(async () => {
    const [v, a] = await Promise.all([
      call('ListStateMachineVersions', { stateMachineArn: arn, maxResults: 100 }),
      call('ListStateMachineAliases', { stateMachineArn: arn, maxResults: 100 }),
    ]);
    return { versions: v.stateMachineVersions ?? [], aliases: a.stateMachineAliases ?? [] };
  }, [arn]);
  return (
    <div data-testid="versions">
      <h2>Versions and aliases</h2>
      <ErrorBox error={data.error} />
      {data.data && data.data.versions.length === 0 && data.data.aliases.length === 0 && <p class="muted">No versions published.</p>}
      <ul class="plain">
        {data.data?.versions.map((v: any) => (
          <li key={v.stateMachineVersionArn}>version {v.stateMachineVersionArn.split(':').pop()} <span class="muted">{fmtDate(v.creationDate)}</span></li>
        ))}
        {data.data?.aliases.map((a: any) => (
          <li key={a.stateMachineAliasArn}>alias <strong>{a.stateMachineAliasArn.split(':').pop()}</strong> <span class="muted">{fmtDate(a.creationDate)}</span></li>
        ))}
      </ul>
    </div>
  );
}

const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

function Executions({ arn }: { arn: string }) {
  const [filter, setFilter] = useState('');
  const [more, setMore] = useState<{ items: any[]; token?: string }>({ items: [] });
  const page = useLoad(async () => {
    const r = await call('ListExecutions', { stateMachineArn: arn, maxResults: 50, ...(filter ? { statusFilter: filter } : {}) });
    setMore({ items: [], token: r.nextToken });
    return r.executions ?? [];
  }, [arn, filter]);
  const loadMore = async () => {
    const r = await call('ListExecutions', { stateMachineArn: arn, maxResults: 50, nextToken: more.token, ...(filter ? { statusFilter: filter } : {}) });
    setMore((m) => ({ items: [...m.items, ...(r.executions ?? [])], token: r.nextToken }));
  };
  const rows = [...(page.data ?? []), ...more.items];
  return (
    <div class="panel">
      <div class="toolbar">
        <h2>Executions</h2>
        <span class="spacer" />
        <label class="inline">Status
          <select data-testid="status-filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
            {STATUSES.map((s) => <option key={s} value={s}>{s || 'any'}</option>)}
          </select>
        </label>
        <button class="secondary" onClick={page.reload}>Refresh</button>
      </div>
      <ErrorBox error={page.error} />
      {page.data && rows.length === 0 && <p class="muted">No executions{filter ? ` with status ${filter}` : ''}.</p>}
      {rows.length > 0 && (
        <table class="list" data-testid="executions">
          <thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Ended</th></tr></thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.executionArn}>
                <td><a href={href.execution(e.executionArn)}>{e.name}</a></td>
                <td><StatusBadge status={e.status} /></td>
                <td>{fmtDate(e.startDate)}</td>
                <td>{fmtDate(e.stopDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more.token && <button class="secondary" onClick={loadMore}>Load more</button>}
    </div>
  );
}
