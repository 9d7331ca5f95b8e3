// Config mode's Aliases section: the machine's aliases with where they route, a form to create
// one or change one (one version, or two with weights as AWS's routingConfiguration), and
// delete. Aliases change at once, apart from Save: they point at published versions, not at
// the definition being edited.

import { useEffect, useState } from 'preact/hooks';
import { type Alias, type AliasOps, aliasNameProblem, describeRouting, routingOf, routingProblem, versionNumber } from './aliases';

interface Draft { arn?: string; name: string; description: string; first: string; second: string; weight: string }

/** An API error as the console shows them: its AWS name, then its message. */
function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
}

const blank = (versions: string[]): Draft => ({ name: '', description: '', first: versions[0] ?? '', second: '', weight: '100' });

function draftOf(a: Alias): Draft {
  const [r1, r2] = a.routing;
  return { arn: a.arn, name: a.name, description: a.description, first: r1?.stateMachineVersionArn ?? '', second: r2?.stateMachineVersionArn ?? '', weight: String(r1?.weight ?? 100) };
}

export function Aliases(props: { ops: AliasOps }) {
  const [data, setData] = useState<{ versions: string[]; aliases: Alias[] } | null>(null);
  const [draft, setDraft] = useState<Draft>(blank([]));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [doomed, setDoomed] = useState(''); // the alias whose Delete waits for a second click

  const reload = async (keepDraft = false) => {
    const d = await props.ops.list();
    setData(d);
    if (!keepDraft) setDraft(blank(d.versions));
  };
  useEffect(() => { reload().catch((e) => setError(errorText(e))); }, [props.ops]);

  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError('');
    setDoomed('');
    try {
      await f();
      await reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const weight = draft.second ? Number(draft.weight.trim() === '' ? NaN : draft.weight) : 100;
  const routing = routingOf(draft.first, draft.second, weight);
  const problem = (draft.arn ? undefined : aliasNameProblem(draft.name)) ?? routingProblem(routing);
  const versions = data?.versions ?? [];
  const vopts = (none?: string) => [
    ...(none !== undefined ? [<option key="" value="">{none}</option>] : []),
    ...versions.map((v) => <option key={v} value={v}>version {versionNumber(v)}</option>),
  ];

  return (
    <section data-testid="aliases">
      <h3>Aliases</h3>
      {!data && !error && <p class="sjd-hint">Loading…</p>}
      {data && data.aliases.length === 0 && <p class="sjd-hint">No aliases.</p>}
      {data && data.aliases.length > 0 && (
        <table class="sjd-tags" data-testid="alias-list">
          <tbody>
            {data.aliases.map((a) => (
              <tr key={a.arn} data-testid={`alias-${a.name}`}>
                <td><code>{a.name}</code></td>
                <td data-testid={`alias-routing-${a.name}`}>{describeRouting(a.routing)}</td>
                <td class="sjd-hint">{a.description}</td>
                <td>
                  <button type="button" data-testid={`alias-edit-${a.name}`} disabled={busy} onClick={() => { setError(''); setDraft(draftOf(a)); }}>Edit</button>
                  {doomed === a.name
                    ? <>
                        <button type="button" class="sjd-danger" data-testid={`alias-confirm-delete-${a.name}`} disabled={busy} onClick={() => run(() => props.ops.remove(a.arn))}>Delete {a.name}</button>
                        <button type="button" onClick={() => setDoomed('')}>Keep</button>
                      </>
                    : <button type="button" data-testid={`alias-delete-${a.name}`} disabled={busy} onClick={() => setDoomed(a.name)}>Delete</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && versions.length === 0 && (
        <p class="sjd-hint" data-testid="alias-no-versions">An alias points at a published version: tick "Publish a version when saving" above and save first.</p>
      )}
      {data && versions.length > 0 && (
        <div class="sjd-alias-form">
          <h4>{draft.arn ? `Change alias ${draft.name}` : 'New alias'}</h4>
          {!draft.arn && (
            <div class="sjd-row">
              <label for="sjd-alias-name">Name</label>
              <input id="sjd-alias-name" type="text" data-testid="alias-name" value={draft.name} onInput={(e) => set({ name: (e.target as HTMLInputElement).value.trim() })} />
            </div>
          )}
          <div class="sjd-row">
            <label for="sjd-alias-version">Version</label>
            <select id="sjd-alias-version" data-testid="alias-version" value={draft.first} onChange={(e) => set({ first: (e.target as HTMLSelectElement).value })}>{vopts()}</select>
          </div>
          <div class="sjd-row">
            <label for="sjd-alias-version2">Second version</label>
            <select id="sjd-alias-version2" data-testid="alias-version2" value={draft.second}
              onChange={(e) => { const v = (e.target as HTMLSelectElement).value; set({ second: v, weight: v ? (draft.second ? draft.weight : '50') : '100' }); }}>
              {vopts('none: all starts go to the version above')}
            </select>
          </div>
          {draft.second && (
            <div class="sjd-row">
              <label for="sjd-alias-weight">Weight of the first version (%)</label>
              <input id="sjd-alias-weight" type="text" inputMode="numeric" data-testid="alias-weight" value={draft.weight}
                onInput={(e) => set({ weight: (e.target as HTMLInputElement).value })} />
              <small class="sjd-hint">{Number.isInteger(weight) && weight >= 0 && weight <= 100 ? `the second version gets ${100 - weight}%` : ''}</small>
            </div>
          )}
          <div class="sjd-row">
            <label for="sjd-alias-description">Description</label>
            <input id="sjd-alias-description" type="text" data-testid="alias-description" value={draft.description}
              onInput={(e) => set({ description: (e.target as HTMLInputElement).value })} />
          </div>
          {problem && (draft.name || draft.arn) && <p class="sjd-hint" data-testid="alias-problem">{problem}</p>}
          <div class="sjd-actions">
            <button type="button" data-testid="alias-save" disabled={busy || !!problem}
              onClick={() => run(() => props.ops.put({ arn: draft.arn, name: draft.name, description: draft.description, routing }))}>
              {draft.arn ? 'Update alias' : 'Create alias'}
            </button>
            {draft.arn && <button type="button" data-testid="alias-cancel" onClick={() => setDraft(blank(versions))}>Cancel</button>}
          </div>
        </div>
      )}
      {error && <p class="sjd-error" role="alert" data-testid="alias-error">{error}</p>}
    </section>
  );
}
