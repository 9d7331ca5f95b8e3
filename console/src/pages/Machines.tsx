// #/machines: every state machine with its type, creation date and its recent executions
// counted by status.
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { href } from './router';
import { ErrorBox, fmtDate, listAll, StatusBadge, useLoad } from './util';

interface MachineItem {
  stateMachineArn: string;
  name: string;
  type: string;
  creationDate: number;
}

/** How many of a machine's latest executions the list counts. */
const RECENT = 100;

export function MachinesPage() {
  const machines = useLoad(
    () => listAll<MachineItem>(async (nextToken) => {
      const r = await call('ListStateMachines', { maxResults: 1000, nextToken });
      return { items: r.stateMachines ?? [], nextToken: r.nextToken };
    }),
    [],
  );
  const list = (machines.data ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section>
      <div class="toolbar">
        <h1>State machines</h1>
        <span class="spacer" />
        <button class="secondary" onClick={machines.reload}>Refresh</button>
        <a class="button" href={href.newMachine()} data-testid="create-machine">Create state machine</a>
      </div>
      <ErrorBox error={machines.error} />
      {machines.loading && !machines.data && <p class="muted">Loading…</p>}
      {machines.data && list.length === 0 && (
        <p class="muted">No state machines yet. <a href={href.newMachine()}>Create one</a>, or use <code>stepjet create</code>.</p>
      )}
      {list.length > 0 && (
        <table class="list" data-testid="machines">
          <thead>
            <tr><th>Name</th><th>Type</th><th>Created</th><th>Recent executions (last {RECENT})</th></tr>
          </thead>
          <tbody>
            {list.map((m) => (
              <tr key={m.stateMachineArn} data-machine={m.name}>
                <td><a href={href.machine(m.name)}>{m.name}</a></td>
                <td>{m.type}</td>
                <td>{fmtDate(m.creationDate)}</td>
                <td><RecentCounts arn={m.stateMachineArn} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RecentCounts({ arn }: { arn: string }) {
  const [counts, setCounts] = useState<Record<string, number> | null>(null);
  const [err, setErr] = useState('');
  useEffect(() => {
    let live = true;
    call('ListExecutions', { stateMachineArn: arn, maxResults: RECENT }).then(
      (r) => {
        const c: Record<string, number> = {};
        for (const e of r.executions ?? []) c[e.status] = (c[e.status] ?? 0) + 1;
        if (live) setCounts(c);
      },
      (e) => live && setErr(e.name),
    );
    return () => {
      live = false;
    };
  }, [arn]);
  if (err) return <span class="muted" title={err}>—</span>;
  if (!counts) return <span class="muted">…</span>;
  const entries = Object.entries(counts).sort();
  if (entries.length === 0) return <span class="muted">none</span>;
  return (
    <span class="counts">
      {entries.map(([s, n]) => (
        <span key={s}><StatusBadge status={s} /> {n}</span>
      ))}
    </span>
  );
}
