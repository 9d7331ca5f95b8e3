// The inspector: the selected state's fields in AWS's four tabs. Every change is one edit of the
// lossless tree (one undo step); fields show what the definition says, as written.

import { useState } from 'preact/hooks';
import { fromJS, getIn, member, setIn, strAt, type JNode, type Path } from './json';
import { chains, findState, queryLanguage, renameState, type StateRef } from './asl';
import { CheckField, JsonField, ListField, NumberField, SelectField, TextField } from './fields';
import { ChoiceRules } from './ChoiceRules';
import { TestStatePanel, type TestStateFn } from './TestState';

export interface InspectorProps {
  root: JNode;
  name: string;
  /** Apply an edit (one undo step); it may throw to refuse, with a message for the user. */
  edit: (fn: (root: JNode) => JNode) => void;
  /** The state was renamed: follow it. */
  onRenamed: (to: string) => void;
  definitionText: () => string;
  testState: TestStateFn;
  actions: { duplicate: () => void; remove: () => void; up: () => void; down: () => void };
}

/** With no state selected: the machine's own fields (Comment, QueryLanguage, StartAt,
 *  TimeoutSeconds). */
export function MachineInspector(props: { root: JNode; edit: (fn: (root: JNode) => JNode) => void }) {
  const { root, edit } = props;
  const set = (key: string) => (n: JNode | undefined) => edit((r) => setIn(r, [key], n));
  const states = getIn(root, ['States']);
  const names = states?.t === 'obj' ? states.entries.map((e) => e.key) : [];
  return (
    <aside class="sjd-inspector" data-testid="inspector" aria-label="Inspector: state machine">
      <header class="sjd-inspector-head"><strong>State machine</strong></header>
      <p class="sjd-muted">Select a state to edit it, or drag one from the palette onto an arrow.</p>
      <TextField label="Comment" testid="field-Comment" value={strAt(root, ['Comment'])} onCommit={(v) => set('Comment')(v === undefined ? undefined : fromJS(v))} />
      <SelectField label="Query language" testid="field-QueryLanguage" value={strAt(root, ['QueryLanguage']) ?? ''}
        options={[['', 'JSONPath (default)'], 'JSONPath', 'JSONata']} hint="States inherit it unless they set their own"
        onCommit={(v) => set('QueryLanguage')(v ? fromJS(v) : undefined)} />
      <SelectField label="Start at" testid="field-StartAt" value={strAt(root, ['StartAt']) ?? ''} options={names.length ? names : ['']}
        onCommit={(v) => set('StartAt')(fromJS(v))} />
      <NumberField label="TimeoutSeconds" testid="field-TimeoutSeconds" integer node={member(root, 'TimeoutSeconds')} onCommit={set('TimeoutSeconds')}
        hint="Express executions end at 5 minutes in any case" />
    </aside>
  );
}

type Tab = 'configuration' | 'input' | 'output' | 'errors' | 'test';

export const TASK_RESOURCES = [
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::http:invoke',
  'arn:aws:states:::sns:publish',
  'arn:aws:states:::sqs:sendMessage',
  'arn:aws:states:::events:putEvents',
];

export function Inspector(props: InspectorProps) {
  const [tab, setTab] = useState<Tab>('configuration');
  const ref = findState(props.root, props.name);
  if (!ref) return <aside class="sjd-inspector" data-testid="inspector"><p class="sjd-muted">Select a state to edit it.</p></aside>;
  const state = getIn(props.root, ref.path)!;
  const type = strAt(state, ['Type']) ?? '';
  const jsonata = queryLanguage(props.root, ref.path) === 'JSONata';
  const set = (key: string) => (n: JNode | undefined) => props.edit((r) => setIn(r, [...ref.path, key], n));
  const setStr = (key: string) => (v: string | undefined) => set(key)(v === undefined ? undefined : fromJS(v));
  const hasErrors = type === 'Task' || type === 'Parallel' || type === 'Map';
  const tabs: [Tab, string][] = [['configuration', 'Configuration'], ['input', 'Input'], ['output', 'Output']];
  if (hasErrors) tabs.push(['errors', 'Error handling']);
  tabs.push(['test', 'Test state']);
  const current = tabs.some(([t]) => t === tab) ? tab : 'configuration';
  const ctx: Ctx = { ...props, ref, state, type, jsonata, set, setStr };

  return (
    <aside class="sjd-inspector" data-testid="inspector" aria-label={`Inspector: ${props.name}`}>
      <header class="sjd-inspector-head">
        <strong title={type}>{props.name}</strong>
        <span class="sjd-badge">{type || 'no Type'}</span>
        <span class="sjd-badge">{jsonata ? 'JSONata' : 'JSONPath'}</span>
      </header>
      <div class="sjd-actions">
        <button type="button" data-testid="state-up" title="Move up the path" onClick={props.actions.up}>↑</button>
        <button type="button" data-testid="state-down" title="Move down the path" onClick={props.actions.down}>↓</button>
        <button type="button" data-testid="state-duplicate" onClick={props.actions.duplicate}>Duplicate</button>
        <button type="button" data-testid="state-delete" class="sjd-danger" onClick={props.actions.remove}>Delete</button>
      </div>
      <div class="sjd-tabs" role="tablist">
        {tabs.map(([t, label]) => (
          <button type="button" role="tab" key={t} aria-selected={current === t} data-testid={`tab-${t}`} class={current === t ? 'sjd-on' : ''} onClick={() => setTab(t)}>{label}</button>
        ))}
      </div>
      <div class="sjd-tabpanel" role="tabpanel">
        {current === 'configuration' && <Configuration {...ctx} />}
        {current === 'input' && <InputTab {...ctx} />}
        {current === 'output' && <OutputTab {...ctx} />}
        {current === 'errors' && <ErrorHandling {...ctx} />}
        {current === 'test' && <TestStatePanel name={props.name} type={type} definitionText={props.definitionText} testState={props.testState} />}
      </div>
    </aside>
  );
}

interface Ctx extends InspectorProps {
  ref: StateRef;
  state: JNode;
  type: string;
  jsonata: boolean;
  set: (key: string) => (n: JNode | undefined) => void;
  setStr: (key: string) => (v: string | undefined) => void;
}

/** Names of the other states of the same scope (where Next, Default and Catch can go). */
function targets(c: Ctx): string[] {
  const states = getIn(c.root, [...c.ref.scope, 'States']);
  return states?.t === 'obj' ? states.entries.map((e) => e.key).filter((n) => n !== c.name) : [];
}

function Configuration(c: Ctx) {
  const { state, type, jsonata, set, setStr } = c;
  return (
    <div>
      <TextField label="State name" testid="field-Name" value={c.name} hint="Unique in the whole machine"
        onCommit={(v) => {
          if (!v) return;
          c.edit((r) => renameState(r, c.name, v));
          c.onRenamed(v);
        }} />
      <TextField label="Comment" testid="field-Comment" value={strAt(state, ['Comment'])} onCommit={setStr('Comment')} />
      <SelectField label="Query language" testid="field-QueryLanguage" value={strAt(state, ['QueryLanguage']) ?? ''}
        options={[['', 'Inherit'], 'JSONPath', 'JSONata']} onCommit={(v) => setStr('QueryLanguage')(v || undefined)} />
      {type === 'Task' && <>
        <TextField label="Resource" testid="field-Resource" value={strAt(state, ['Resource'])} list="sjd-resources"
          hint="A NATS worker: lambda:invoke with FunctionName, or arn:aws:lambda:…:function:NAME" onCommit={setStr('Resource')} />
        <datalist id="sjd-resources">{TASK_RESOURCES.map((r) => <option key={r} value={r} />)}</datalist>
        {jsonata
          ? <JsonField label="Arguments" testid="field-Arguments" jsonata node={member(state, 'Arguments')} onCommit={set('Arguments')} />
          : <JsonField label="Parameters" testid="field-Parameters" node={member(state, 'Parameters')} onCommit={set('Parameters')} hint='Keys ending in ".$" take a path' />}
        <NumberField label="TimeoutSeconds" testid="field-TimeoutSeconds" integer node={member(state, 'TimeoutSeconds')} onCommit={set('TimeoutSeconds')} />
        <NumberField label="HeartbeatSeconds" testid="field-HeartbeatSeconds" integer node={member(state, 'HeartbeatSeconds')} onCommit={set('HeartbeatSeconds')} />
      </>}
      {type === 'Pass' && !jsonata && <JsonField label="Result" testid="field-Result" node={member(state, 'Result')} onCommit={set('Result')} />}
      {type === 'Wait' && <WaitFields {...c} />}
      {type === 'Fail' && <>
        <TextField label="Error" testid="field-Error" value={strAt(state, ['Error'])} onCommit={setStr('Error')} />
        <TextField label="Cause" testid="field-Cause" value={strAt(state, ['Cause'])} onCommit={setStr('Cause')} />
        {!jsonata && <>
          <TextField label="ErrorPath" testid="field-ErrorPath" value={strAt(state, ['ErrorPath'])} onCommit={setStr('ErrorPath')} />
          <TextField label="CausePath" testid="field-CausePath" value={strAt(state, ['CausePath'])} onCommit={setStr('CausePath')} />
        </>}
      </>}
      {type === 'Choice' && <>
        <ChoiceRules root={c.root} path={c.ref.path} jsonata={jsonata} targets={targets(c)} edit={c.edit} />
        <SelectField label="Default" testid="field-Default" value={strAt(state, ['Default']) ?? ''}
          options={[['', '(none: no rule matching fails States.NoChoiceMatched)'], ...targets(c)]} onCommit={(v) => setStr('Default')(v || undefined)} />
      </>}
      {type === 'Map' && <MapFields {...c} />}
      {type === 'Parallel' && <ParallelFields {...c} />}
      {chains(state) && <NextField {...c} />}
    </div>
  );
}

function NextField(c: Ctx) {
  const next = strAt(c.state, ['Next']);
  return (
    <SelectField label="Next state" testid="field-Next" value={next ?? ''} options={[['', '(end of the path)'], ...targets(c)]}
      onCommit={(v) => c.edit((r) => {
        let out = setIn(r, [...c.ref.path, 'Next'], undefined);
        out = setIn(out, [...c.ref.path, 'End'], undefined);
        return v ? setIn(out, [...c.ref.path, 'Next'], fromJS(v)) : setIn(out, [...c.ref.path, 'End'], fromJS(true));
      })} />
  );
}

const WAIT_KINDS = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'];

function WaitFields(c: Ctx) {
  const kinds = c.jsonata ? WAIT_KINDS.slice(0, 2) : WAIT_KINDS;
  const kind = kinds.find((k) => member(c.state, k) !== undefined) ?? 'Seconds';
  const node = member(c.state, kind);
  const text = node ? (node.t === 'str' ? (JSON.parse(node.raw) as string) : node.t === 'num' ? node.raw : '') : '';
  const write = (k: string, v: string) => c.edit((r) => {
    let out = r;
    for (const w of WAIT_KINDS) out = setIn(out, [...c.ref.path, w], undefined);
    if (v === '') return out;
    const isNum = k === 'Seconds' && /^\d+$/.test(v);
    return setIn(out, [...c.ref.path, k], isNum ? { t: 'num', raw: v } : fromJS(v));
  });
  return <>
    <SelectField label="Wait for" testid="field-WaitKind" value={kind} options={kinds} onCommit={(k) => write(k, text)} />
    <TextField label={kind} testid={`field-${kind}`} value={text} onCommit={(v) => write(kind, v ?? '')}
      hint={kind === 'Seconds' ? (c.jsonata ? 'Seconds, or a {% … %} expression' : 'Whole seconds') : kind === 'Timestamp' ? 'RFC 3339, e.g. 2026-01-01T00:00:00Z' : 'A path to the value in the input'} />
  </>;
}

function MapFields(c: Ctx) {
  const { state, set, setStr, jsonata } = c;
  const procKey = member(state, 'ItemProcessor') ? 'ItemProcessor' : member(state, 'Iterator') ? 'Iterator' : 'ItemProcessor';
  const mode = strAt(state, [procKey, 'ProcessorConfig', 'Mode']) ?? 'INLINE';
  return <>
    {jsonata
      ? <JsonField label="Items" testid="field-Items" jsonata node={member(state, 'Items')} onCommit={set('Items')} hint="An array, or a {% … %} expression giving one" />
      : <TextField label="ItemsPath" testid="field-ItemsPath" value={strAt(state, ['ItemsPath'])} onCommit={setStr('ItemsPath')} />}
    <JsonField label="ItemSelector" testid="field-ItemSelector" jsonata={jsonata} node={member(state, 'ItemSelector')} onCommit={set('ItemSelector')} />
    <NumberField label="MaxConcurrency" testid="field-MaxConcurrency" integer node={member(state, 'MaxConcurrency')} onCommit={set('MaxConcurrency')} hint="0: as many as possible" />
    <SelectField label="Processing mode" testid="field-ProcessorMode" value={mode} options={['INLINE', 'DISTRIBUTED']}
      hint="stepjet runs Express workflows: INLINE" onCommit={(v) => c.edit((r) => setIn(r, [...c.ref.path, procKey, 'ProcessorConfig', 'Mode'], fromJS(v)))} />
    <NumberField label="ToleratedFailurePercentage" testid="field-ToleratedFailurePercentage" node={member(state, 'ToleratedFailurePercentage')} onCommit={set('ToleratedFailurePercentage')} />
    <NumberField label="ToleratedFailureCount" testid="field-ToleratedFailureCount" integer node={member(state, 'ToleratedFailureCount')} onCommit={set('ToleratedFailureCount')} />
  </>;
}

function ParallelFields(c: Ctx) {
  const branches = member(c.state, 'Branches');
  const n = branches?.t === 'arr' ? branches.items.length : 0;
  return (
    <div class="sjd-row">
      <span>Branches: {n}</span>
      <div class="sjd-actions">
        <button type="button" data-testid="branch-add" onClick={() => c.edit((r) => addBranch(r, c.ref.path))}>Add branch</button>
        {branches?.t === 'arr' && branches.items.map((_, k) => (
          <button type="button" key={k} data-testid={`branch-remove-${k}`} disabled={n <= 1} title="A Parallel state needs a branch"
            onClick={() => c.edit((r) => setIn(r, [...c.ref.path, 'Branches', k], undefined))}>Remove branch {k + 1}</button>
        ))}
      </div>
    </div>
  );
}

function addBranch(root: JNode, path: Path): JNode {
  const branches = getIn(root, [...path, 'Branches']);
  const k = branches?.t === 'arr' ? branches.items.length : 0;
  let name = `Branch ${k + 1}`;
  for (let i = 2; findState(root, name); i++) name = `Branch ${k + 1} (${i})`;
  const b = fromJS({ StartAt: name, States: { [name]: { Type: 'Pass', End: true } } });
  return branches?.t === 'arr' ? setIn(root, [...path, 'Branches', k], b) : setIn(root, [...path, 'Branches'], { t: 'arr', items: [b] });
}

function InputTab(c: Ctx) {
  const { state, set, setStr, jsonata, type } = c;
  if (jsonata) {
    return <p class="sjd-muted">In JSONata mode a state reads its input as <code>$states.input</code> in its Arguments
      {type === 'Task' ? ' (Configuration tab)' : ''}; InputPath and Parameters are JSONPath fields.</p>;
  }
  const params = type === 'Pass' || type === 'Map' || type === 'Parallel';
  return <>
    {type !== 'Fail' && <TextField label="InputPath" testid="field-InputPath" value={strAt(state, ['InputPath'])} placeholder="$" onCommit={setStr('InputPath')} hint="The part of the input the state sees" />}
    {params && <JsonField label="Parameters" testid="field-Parameters" node={member(state, 'Parameters')} onCommit={set('Parameters')} />}
    {type === 'Task' && <p class="sjd-muted">A Task's Parameters are on the Configuration tab.</p>}
  </>;
}

function OutputTab(c: Ctx) {
  const { state, set, setStr, jsonata, type } = c;
  if (type === 'Fail') return <p class="sjd-muted">A Fail state has no output.</p>;
  if (jsonata) {
    return <>
      <JsonField label="Output" testid="field-Output" jsonata node={member(state, 'Output')} onCommit={set('Output')} hint="The state's output; $states.result is the result" />
      {type !== 'Succeed' && <JsonField label="Assign" testid="field-Assign" jsonata node={member(state, 'Assign')} onCommit={set('Assign')} hint="Variables to set" />}
    </>;
  }
  const result = type === 'Task' || type === 'Map' || type === 'Parallel';
  return <>
    {result && <JsonField label="ResultSelector" testid="field-ResultSelector" node={member(state, 'ResultSelector')} onCommit={set('ResultSelector')} />}
    {(result || type === 'Pass') && <ResultPathField {...c} />}
    <TextField label="OutputPath" testid="field-OutputPath" value={strAt(state, ['OutputPath'])} placeholder="$" onCommit={setStr('OutputPath')} />
    {type !== 'Succeed' && <JsonField label="Assign" testid="field-Assign" node={member(state, 'Assign')} onCommit={set('Assign')} hint="Variables to set" />}
  </>;
}

function ResultPathField(c: Ctx) {
  const node = member(c.state, 'ResultPath');
  const discard = node?.t === 'lit' && node.raw === 'null';
  return <>
    <CheckField label="Discard the result (ResultPath null: output is the input)" testid="field-ResultPathNull" checked={discard}
      onCommit={(v) => c.set('ResultPath')(v ? fromJS(null) : undefined)} />
    {!discard && <TextField label="ResultPath" testid="field-ResultPath" value={strAt(c.state, ['ResultPath'])} placeholder="$" onCommit={c.setStr('ResultPath')} />}
  </>;
}

/** Where a new catcher goes: the scope's first Fail state (where errors usually end), else the
 *  first other state. */
function catchTarget(c: Ctx, others: string[]): string {
  return others.find((n) => strAt(c.root, [...c.ref.scope, 'States', n, 'Type']) === 'Fail') ?? others[0];
}

function ErrorHandling(c: Ctx) {
  const retry = member(c.state, 'Retry');
  const catches = member(c.state, 'Catch');
  const others = targets(c);
  const arrEdit = (key: string, k: number, field: string, v: JNode | undefined) =>
    c.edit((r) => setIn(r, [...c.ref.path, key, k, field], v));
  const add = (key: string, item: unknown) => c.edit((r) => {
    const cur = getIn(r, [...c.ref.path, key]);
    return cur?.t === 'arr' ? setIn(r, [...c.ref.path, key, cur.items.length], fromJS(item)) : setIn(r, [...c.ref.path, key], fromJS([item]));
  });
  const remove = (key: string, k: number) => c.edit((r) => {
    const out = setIn(r, [...c.ref.path, key, k], undefined);
    const arr = getIn(out, [...c.ref.path, key]);
    return arr?.t === 'arr' && arr.items.length === 0 ? setIn(out, [...c.ref.path, key], undefined) : out;
  });
  const names = (n: JNode | undefined) => (n?.t === 'arr' ? n.items.filter((x) => x.t === 'str').map((x) => JSON.parse((x as { raw: string }).raw) as string) : []);
  return <>
    <h4>Retry</h4>
    {retry?.t === 'arr' && retry.items.map((r, k) => (
      <fieldset class="sjd-item" key={`r${k}`} data-testid={`retry-${k}`}>
        <legend>Retrier {k + 1}</legend>
        <ListField label="Errors" testid={`field-Retry-${k}-ErrorEquals`} value={names(member(r, 'ErrorEquals'))} hint="e.g. States.ALL, States.Timeout, a worker's error name"
          onCommit={(v) => arrEdit('Retry', k, 'ErrorEquals', fromJS(v))} />
        <NumberField label="IntervalSeconds" testid={`field-Retry-${k}-IntervalSeconds`} integer node={member(r, 'IntervalSeconds')} onCommit={(v) => arrEdit('Retry', k, 'IntervalSeconds', v)} />
        <NumberField label="MaxAttempts" testid={`field-Retry-${k}-MaxAttempts`} integer node={member(r, 'MaxAttempts')} onCommit={(v) => arrEdit('Retry', k, 'MaxAttempts', v)} />
        <NumberField label="BackoffRate" testid={`field-Retry-${k}-BackoffRate`} node={member(r, 'BackoffRate')} onCommit={(v) => arrEdit('Retry', k, 'BackoffRate', v)} />
        <NumberField label="MaxDelaySeconds" testid={`field-Retry-${k}-MaxDelaySeconds`} integer node={member(r, 'MaxDelaySeconds')} onCommit={(v) => arrEdit('Retry', k, 'MaxDelaySeconds', v)} />
        <SelectField label="JitterStrategy" testid={`field-Retry-${k}-JitterStrategy`} value={strAt(r, ['JitterStrategy']) ?? ''} options={[['', '(none)'], 'FULL', 'NONE']}
          onCommit={(v) => arrEdit('Retry', k, 'JitterStrategy', v ? fromJS(v) : undefined)} />
        <button type="button" data-testid={`retry-remove-${k}`} onClick={() => remove('Retry', k)}>Remove retrier</button>
      </fieldset>
    ))}
    <button type="button" data-testid="retry-add" onClick={() => add('Retry', { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 })}>Add retrier</button>
    <h4>Catch</h4>
    {catches?.t === 'arr' && catches.items.map((r, k) => (
      <fieldset class="sjd-item" key={`c${k}`} data-testid={`catch-${k}`}>
        <legend>Catcher {k + 1}</legend>
        <ListField label="Errors" testid={`field-Catch-${k}-ErrorEquals`} value={names(member(r, 'ErrorEquals'))} onCommit={(v) => arrEdit('Catch', k, 'ErrorEquals', fromJS(v))} />
        <SelectField label="Next state" testid={`field-Catch-${k}-Next`} value={strAt(r, ['Next']) ?? ''} options={['', ...others]}
          onCommit={(v) => arrEdit('Catch', k, 'Next', v ? fromJS(v) : undefined)} />
        {c.jsonata
          ? <JsonField label="Output" testid={`field-Catch-${k}-Output`} jsonata node={member(r, 'Output')} onCommit={(v) => arrEdit('Catch', k, 'Output', v)} hint="$states.errorOutput is the error" />
          : <TextField label="ResultPath" testid={`field-Catch-${k}-ResultPath`} value={strAt(r, ['ResultPath'])} placeholder="$" onCommit={(v) => arrEdit('Catch', k, 'ResultPath', v === undefined ? undefined : fromJS(v))} hint="Where the error goes in the input, e.g. $.error" />}
        <button type="button" data-testid={`catch-remove-${k}`} onClick={() => remove('Catch', k)}>Remove catcher</button>
      </fieldset>
    ))}
    <button type="button" data-testid="catch-add" disabled={others.length === 0} title={others.length === 0 ? 'Add a state to go to first' : undefined}
      onClick={() => add('Catch', { ErrorEquals: ['States.ALL'], Next: catchTarget(c, others), ...(c.jsonata ? {} : { ResultPath: '$.error' }) })}>Add catcher</button>
  </>;
}
