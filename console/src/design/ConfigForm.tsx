// Config mode: the machine's settings that are not the definition (CreateStateMachine /
// UpdateStateMachine / TagResource parameters), including stepjet's own history tags
// (docs/api.md "Execution records").

import { useState } from 'preact/hooks';
import { CheckField, SelectField, TextField } from './fields';
import { Aliases } from './Aliases';
import type { AliasOps } from './aliases';

export interface MachineConfig {
  name: string;
  type: 'EXPRESS' | 'STANDARD';
  loggingConfiguration?: unknown;
  tracingConfiguration?: unknown;
  tags?: { key: string; value: string }[];
  publish?: boolean;
  versionDescription?: string;
}

interface Logging {
  level?: string;
  includeExecutionData?: boolean;
  destinations?: { cloudWatchLogsLogGroup?: { logGroupArn?: string } }[];
}

/** ASL's state machine names: 1–80 characters, none of AWS's forbidden ones. */
export function nameProblem(name: string): string | undefined {
  if (!name) return 'A state machine needs a name.';
  if (name.length > 80) return 'A name is at most 80 characters.';
  if (/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(name)) return 'A name may not contain spaces, brackets, wildcards, quotes or any of # % \\ ^ | ~ ` $ & , ; : /.';
  return undefined;
}

export const HISTORY_TAG = 'stepjet:history';
export const HISTORY_DATA_TAG = 'stepjet:history-data';

export function ConfigForm(props: { config: MachineConfig; onChange: (c: MachineConfig) => void; existing: boolean; aliases?: AliasOps }) {
  const c = props.config;
  const set = (patch: Partial<MachineConfig>) => props.onChange({ ...c, ...patch });
  const log = (c.loggingConfiguration ?? {}) as Logging;
  const setLog = (patch: Partial<Logging>) => set({ loggingConfiguration: { ...log, ...patch } });
  const tracing = !!(c.tracingConfiguration as { enabled?: boolean } | undefined)?.enabled;
  const tags = c.tags ?? [];
  const tag = (key: string) => tags.find((t) => t.key === key)?.value ?? '';
  const setTag = (key: string, value: string) => {
    const rest = tags.filter((t) => t.key !== key);
    set({ tags: value ? [...rest, { key, value }] : rest });
  };
  const [newKey, setNewKey] = useState('');
  const nameErr = nameProblem(c.name);
  const dest = log.destinations?.[0]?.cloudWatchLogsLogGroup?.logGroupArn ?? '';

  return (
    <form class="sjd-config" data-testid="config" onSubmit={(e) => e.preventDefault()}>
      <section>
        <h3>State machine</h3>
        <TextField label="Name" testid="config-name" value={c.name} disabled={props.existing}
          hint={props.existing ? 'A state machine keeps its name (AWS cannot rename one)' : nameErr}
          onCommit={(v) => set({ name: (v ?? '').trim() })} />
        <SelectField label="Type" testid="config-type" value={c.type} options={[['EXPRESS', 'Express'], ['STANDARD', 'Standard (stored, not run by stepjet)']]}
          disabled={props.existing} hint={props.existing ? 'The type is fixed when a machine is created' : 'stepjet runs Express workflows'}
          onCommit={(v) => set({ type: v as MachineConfig['type'] })} />
      </section>
      <section>
        <h3>Logging</h3>
        <SelectField label="Log level" testid="config-log-level" value={log.level ?? 'OFF'} options={['OFF', 'ALL', 'ERROR', 'FATAL']}
          hint="Log events go to the STEPJET_LOGS stream" onCommit={(v) => setLog({ level: v })} />
        <CheckField label="Include execution data (inputs and outputs) in log events" testid="config-log-data" checked={!!log.includeExecutionData}
          onCommit={(v) => setLog({ includeExecutionData: v })} />
        <TextField label="Log group ARN" testid="config-log-destination" value={dest} placeholder="arn:aws:logs:us-east-1:123456789012:log-group:name:*"
          hint="Recorded as AWS does; stepjet writes log events to NATS, not CloudWatch"
          onCommit={(v) => setLog({ destinations: v ? [{ cloudWatchLogsLogGroup: { logGroupArn: v } }] : [] })} />
      </section>
      <section>
        <h3>Tracing</h3>
        <CheckField label="Trace executions (OpenTelemetry spans, propagated to workers)" testid="config-tracing" checked={tracing}
          onCommit={(v) => set({ tracingConfiguration: { ...((c.tracingConfiguration as object) ?? {}), enabled: v } })} />
      </section>
      <section>
        <h3>Execution history kept</h3>
        <SelectField label={HISTORY_TAG} testid="config-history" value={tag(HISTORY_TAG)}
          options={[['', 'Server default'], ['ALL', 'ALL: every event'], ['ERROR', 'ERROR: histories of executions that did not succeed'], ['OFF', 'OFF: records only']]}
          onCommit={(v) => setTag(HISTORY_TAG, v)} />
        <SelectField label={HISTORY_DATA_TAG} testid="config-history-data" value={tag(HISTORY_DATA_TAG)}
          options={[['', 'Server default'], ['true', 'true: keep inputs and outputs'], ['false', 'false: keep no inputs or outputs']]}
          onCommit={(v) => setTag(HISTORY_DATA_TAG, v)} />
      </section>
      <section>
        <h3>Tags</h3>
        <table class="sjd-tags">
          <tbody>
            {tags.map((t, k) => (
              <tr key={t.key}>
                <td><code>{t.key}</code></td>
                <td><input type="text" aria-label={`Value of ${t.key}`} data-testid={`config-tag-${t.key}`} value={t.value}
                  onChange={(e) => set({ tags: tags.map((x, j) => (j === k ? { ...x, value: (e.target as HTMLInputElement).value } : x)) })} /></td>
                <td><button type="button" onClick={() => set({ tags: tags.filter((_, j) => j !== k) })}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="sjd-actions">
          <input type="text" aria-label="New tag key" placeholder="key" data-testid="config-tag-new" value={newKey} onInput={(e) => setNewKey((e.target as HTMLInputElement).value)} />
          <button type="button" disabled={!newKey.trim() || tags.some((t) => t.key === newKey.trim())}
            onClick={() => { set({ tags: [...tags, { key: newKey.trim(), value: '' }] }); setNewKey(''); }}>Add tag</button>
        </div>
      </section>
      <section>
        <h3>Version</h3>
        <CheckField label="Publish a version when saving" testid="config-publish" checked={!!c.publish} onCommit={(v) => set({ publish: v })} />
        {c.publish && <TextField label="Version description" testid="config-version-description" value={c.versionDescription} onCommit={(v) => set({ versionDescription: v })} />}
      </section>
      {props.aliases && <Aliases ops={props.aliases} />}
    </form>
  );
}
