// Test state: run the selected state once with TestState (the enhanced form: the whole machine as
// `definition` and the state by `stateName`, so states inside Parallel branches and Map
// processors can be tested), with an input, an optional mock and an inspection level, and show
// what came back: status, output, error and cause, next state, inspection data.

import { useState } from 'preact/hooks';
import { parseJson } from './json';

export interface TestStateRequest {
  definition: string;
  stateName: string;
  input: string;
  inspectionLevel: 'INFO' | 'DEBUG' | 'TRACE';
  roleArn?: string;
  mock?: { result?: string; errorOutput?: { error: string; cause: string }; fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE' };
  variables?: string;
}

export interface TestStateResponse {
  status?: string;
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: unknown;
}

export type TestStateFn = (req: TestStateRequest) => Promise<TestStateResponse>;

const MOCKABLE = new Set(['Task', 'Map', 'Parallel']);

export function TestStatePanel(props: { name: string; type: string; definitionText: () => string; testState: TestStateFn }) {
  const [input, setInput] = useState('{}');
  const [level, setLevel] = useState<'INFO' | 'DEBUG' | 'TRACE'>('DEBUG');
  const [mock, setMock] = useState<'none' | 'result' | 'error'>('none');
  const [mockResult, setMockResult] = useState('{}');
  const [mockError, setMockError] = useState('States.TaskFailed');
  const [mockCause, setMockCause] = useState('');
  const [variables, setVariables] = useState('');
  const [busy, setBusy] = useState(false);
  const [res, setRes] = useState<TestStateResponse | null>(null);
  const [err, setErr] = useState('');
  const mockable = MOCKABLE.has(props.type);

  const run = async () => {
    setErr('');
    setRes(null);
    for (const [what, text] of [['Input', input], ['Mocked result', mock === 'result' ? mockResult : '{}'], ['Variables', variables || '{}']]) {
      try { parseJson(text); } catch (e) { setErr(`${what} is not JSON: ${(e as Error).message}`); return; }
    }
    const req: TestStateRequest = { definition: props.definitionText(), stateName: props.name, input, inspectionLevel: level };
    if (mockable && mock === 'result') req.mock = { result: mockResult };
    if (mockable && mock === 'error') req.mock = { errorOutput: { error: mockError, cause: mockCause } };
    if (variables.trim()) req.variables = variables;
    setBusy(true);
    try {
      setRes(await props.testState(req));
    } catch (e) {
      const x = e as Error;
      setErr(`${x.name}: ${x.message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="sjd-test" data-testid="test-state">
      <label>Input
        <textarea data-testid="test-state-input" rows={5} spellcheck={false} value={input} onInput={(e) => setInput((e.target as HTMLTextAreaElement).value)} />
      </label>
      <label>Variables (optional)
        <textarea data-testid="test-state-variables" rows={2} spellcheck={false} value={variables} placeholder='{"name": "value"}' onInput={(e) => setVariables((e.target as HTMLTextAreaElement).value)} />
      </label>
      {mockable ? (
        <fieldset class="sjd-item">
          <legend>Mock the {props.type === 'Task' ? 'service call' : `whole ${props.type}`}</legend>
          <select data-testid="test-state-mock" value={mock} onChange={(e) => setMock((e.target as HTMLSelectElement).value as typeof mock)}>
            <option value="none">{props.type === 'Task' ? 'No mock: call the integration' : 'No mock (refused for Map and Parallel)'}</option>
            <option value="result">Mocked result</option>
            <option value="error">Mocked error</option>
          </select>
          {mock === 'result' && <textarea data-testid="test-state-mock-result" rows={4} spellcheck={false} value={mockResult} onInput={(e) => setMockResult((e.target as HTMLTextAreaElement).value)} />}
          {mock === 'error' && <>
            <input data-testid="test-state-mock-error" type="text" value={mockError} aria-label="Error" onInput={(e) => setMockError((e.target as HTMLInputElement).value)} />
            <input data-testid="test-state-mock-cause" type="text" value={mockCause} aria-label="Cause" placeholder="Cause" onInput={(e) => setMockCause((e.target as HTMLInputElement).value)} />
          </>}
        </fieldset>
      ) : null}
      <label>Inspection level
        <select data-testid="test-state-level" value={level} onChange={(e) => setLevel((e.target as HTMLSelectElement).value as typeof level)}>
          <option value="INFO">INFO</option><option value="DEBUG">DEBUG</option><option value="TRACE">TRACE</option>
        </select>
      </label>
      <button type="button" class="sjd-primary" data-testid="test-state-run" disabled={busy} onClick={run}>{busy ? 'Testing…' : 'Test state'}</button>
      {err && <p class="sjd-error" role="alert" data-testid="test-state-error">{err}</p>}
      {res && (
        <dl class="sjd-result" data-testid="test-state-result">
          <dt>Status</dt><dd data-testid="test-state-status" class={`sjd-status-${(res.status ?? '').toLowerCase()}`}>{res.status}</dd>
          {res.nextState !== undefined && <><dt>Next state</dt><dd>{res.nextState}</dd></>}
          {res.output !== undefined && <><dt>Output</dt><dd><pre>{pretty(res.output)}</pre></dd></>}
          {res.error !== undefined && <><dt>Error</dt><dd data-testid="test-state-result-error">{res.error}</dd></>}
          {res.cause !== undefined && <><dt>Cause</dt><dd><pre>{pretty(res.cause)}</pre></dd></>}
          {res.inspectionData !== undefined && <><dt>Inspection data</dt><dd><pre>{JSON.stringify(expand(res.inspectionData), null, 2)}</pre></dd></>}
        </dl>
      )}
    </div>
  );
}

/** JSON text shown indented; anything else as it is. */
function pretty(s: string): string {
  try { return JSON.stringify(JSON.parse(s), null, 2); } catch { return s; }
}

/** Inspection data carries JSON as strings (input, afterInputPath, …): show them as JSON. */
function expand(v: unknown): unknown {
  if (typeof v === 'string') {
    try { const j = JSON.parse(v); return typeof j === 'object' && j !== null ? j : v; } catch { return v; }
  }
  if (Array.isArray(v)) return v.map(expand);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
  return v;
}
