// The workflow designer (issue 19): Design mode (palette, graph with drop targets, inspector),
// Code mode (CodeMirror) and Config mode, over one lossless model of the definition (json.ts):
// opening and saving without edits gives the same bytes, an edit reprints only what it touched,
// and layout positions never go into the ASL. console-app mounts it and does the API calls of
// saving (onSave); the designer itself calls ValidateStateMachineDefinition for diagnostics and
// TestState for "Test state".

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call } from '../api';
import { buildGraph } from '../graph/build';
import { layoutGraph } from '../graph/layout';
import { GraphView } from '../graph/GraphView';
import { parseJson, printDoc, formatNode, toJS, JsonSyntaxError, type JDoc, type JNode } from './json';
import {
  allStates, deleteState, duplicateState, findState, insertState, moveDown, moveUp, pointerOf,
  stateAtPointer, stateOfLocation, unreachable, type InsertTarget,
} from './asl';
import { afterTarget, edgeTarget, nodeTarget } from './targets';
import { History } from './history';
import { PALETTE, PALETTE_MIME, paletteItem } from './palette';
import { Inspector, MachineInspector } from './Inspector';
import { CodeEditor, type ApiDiagnostic } from './CodeEditor';
import { ConfigForm, nameProblem, type MachineConfig } from './ConfigForm';
import { aliasCalls, type AliasOps } from './aliases';
import type { TestStateFn } from './TestState';
import './design.css';

export type { MachineConfig } from './ConfigForm';
export type { TestStateFn, TestStateRequest, TestStateResponse } from './TestState';

export interface DesignerProps {
  /** The machine's name when editing an existing one (it cannot be renamed). */
  name?: string;
  /** The definition as stored (raw JSON text); empty for a new machine. */
  definition: string;
  config?: MachineConfig;
  onSave: (def: string, config: MachineConfig) => Promise<void>;
  /** Runs TestState; by default the designer calls the API itself. */
  onTestState?: TestStateFn;
  /** The machine's ARN when editing an existing one: Config mode then lists and edits its
   * aliases (with the API calls of aliasCalls, or aliasOps when given). */
  machineArn?: string;
  aliasOps?: AliasOps;
}

type Mode = 'design' | 'code' | 'config';

/** What a new machine starts as: no states yet (drop one from the palette). */
export const EMPTY_DEFINITION = '{\n  "StartAt": "",\n  "States": {}\n}\n';
const VALIDATE_DELAY_MS = 500;

interface Loaded { doc: JDoc | null; text: string; error: string }

function load(text: string): Loaded {
  const t = text.trim() ? text : EMPTY_DEFINITION;
  try {
    return { doc: parseJson(t), text: t, error: '' };
  } catch (e) {
    return { doc: null, text: t, error: (e as Error).message };
  }
}

export function Designer(props: DesignerProps) {
  const initial = useMemo(() => load(props.definition), [props.definition]);
  const hist = useRef<History<JNode>>(new History(initial.doc?.root ?? parseJson(EMPTY_DEFINITION).root));
  const [ws, setWs] = useState({ lead: initial.doc?.lead ?? '', trail: initial.doc?.trail ?? '\n' });
  const [, setTick] = useState(0);
  const rerender = () => setTick((n) => n + 1);
  const [mode, setMode] = useState<Mode>(initial.doc ? 'design' : 'code');
  const [code, setCode] = useState(initial.text);
  const [codeErr, setCodeErr] = useState(initial.error);
  const codeBase = useRef<JNode | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [diags, setDiags] = useState<ApiDiagnostic[]>([]);
  const [diagsFor, setDiagsFor] = useState<string | undefined>(undefined);
  const [validateNote, setValidateNote] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [config, setConfig] = useState<MachineConfig>(props.config ?? { name: props.name ?? '', type: 'EXPRESS' });
  const [saving, setSaving] = useState(false);

  // A new definition from the page (loaded after mount, or another machine): start over.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    hist.current = new History(initial.doc?.root ?? parseJson(EMPTY_DEFINITION).root);
    setWs({ lead: initial.doc?.lead ?? '', trail: initial.doc?.trail ?? '\n' });
    setCode(initial.text);
    setCodeErr(initial.error);
    setMode(initial.doc ? 'design' : 'code');
    setSelected(null);
    rerender();
  }, [initial]);
  // By value: a page that passes a new but equal object each render must not undo Config edits.
  const configKey = JSON.stringify(props.config ?? null);
  useEffect(() => { if (props.config) setConfig(props.config); }, [configKey]);

  const root = hist.current.present;
  const docText = printDoc({ root, ...ws });
  const text = mode === 'code' ? code : docText;
  const valid = !(mode === 'code' && codeErr);

  const graph = useMemo(() => buildGraph(toJS(root)), [root]);
  const layout = useMemo(() => layoutGraph(graph), [graph]);

  // Diagnostics: ValidateStateMachineDefinition, debounced; a late answer for an older text is
  // dropped (the newest text wins).
  const seq = useRef(0);
  useEffect(() => {
    if (!valid) return;
    const n = ++seq.current;
    const timer = setTimeout(async () => {
      try {
        const res = await call<{ result: string; diagnostics: ApiDiagnostic[] }>('ValidateStateMachineDefinition', { definition: text, type: config.type ?? 'EXPRESS' });
        if (n !== seq.current) return;
        setDiags(res.diagnostics ?? []);
        setDiagsFor(text);
        setValidateNote('');
      } catch (e) {
        if (n !== seq.current) return;
        const x = e as Error & { status?: number };
        setValidateNote(`Validation is unavailable: ${x.message || x.name || 'no answer'}${x.status ? ` (HTTP ${x.status})` : ''}`);
      }
    }, VALIDATE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, valid, config.type]);

  // Diagnostics on the graph, by the state their location points into.
  const graphDiags = useMemo(() => {
    const out: Record<string, string[]> = {};
    for (const d of diags) {
      const s = d.location ? stateOfLocation(root, d.location) : undefined;
      if (s) (out[pointerOf(s.path)] ??= []).push(`${d.code}: ${d.message}`);
    }
    return out;
  }, [diags, root]);

  const fail = (e: unknown) => setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) });

  /** One edit = one undo step; an edit that throws changes nothing and says why. */
  const edit = (fn: (r: JNode) => JNode): boolean => {
    try {
      const next = fn(hist.current.present);
      hist.current.push(next);
      setMessage(null);
      rerender();
      return true;
    } catch (e) {
      fail(e);
      return false;
    }
  };

  const insert = (target: InsertTarget, itemId: string) => {
    const item = paletteItem(itemId);
    if (!item) return;
    try {
      const r = insertState(hist.current.present, target, item.base, item.template);
      hist.current.push(r.root);
      setSelected(r.name);
      setMessage(null);
      rerender();
    } catch (e) {
      fail(e);
    }
  };

  const onDrop = (target: { edge: string } | { node: string }, data: string) => {
    const t = 'edge' in target ? edgeTarget(root, graph, target.edge) : nodeTarget(root, graph, target.node);
    if (!t) { fail(new Error('Drop a state on an arrow, or into an empty branch')); return; }
    insert(t, data);
  };

  const remove = (name: string) => {
    if (!edit((r) => deleteState(r, name))) return;
    setSelected(null);
    const left = unreachable(hist.current.present);
    if (left.length) setMessage({ kind: 'info', text: `Nothing leads to ${left.map((n) => `"${n}"`).join(', ')} any more.` });
  };

  const undo = () => { hist.current.undo(); rerender(); };
  const redo = () => { hist.current.redo(); rerender(); };

  // AWS's shortcuts: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z (and Ctrl+Y) redo, Delete removes the
  // selected state — not while typing in a field or the code editor, which have their own.
  useEffect(() => {
    if (mode !== 'design') return;
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.closest('input, textarea, select, [contenteditable="true"], .cm-editor'))) return;
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === 'z' && !e.shiftKey) { e.preventDefault(); undo(); }
      else if (mod && ((k === 'z' && e.shiftKey) || k === 'y')) { e.preventDefault(); redo(); }
      else if ((e.key === 'Delete' || e.key === 'Backspace') && selected && !mod) { e.preventDefault(); remove(selected); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const switchMode = (m: Mode) => {
    if (m === mode) return;
    if (mode === 'code' && codeErr) {
      fail(new Error(`The JSON is invalid (${codeErr}): fix it before leaving Code mode.`));
      return;
    }
    if (m === 'code') {
      setCode(docText);
      setCodeErr('');
      codeBase.current = hist.current.present;
    }
    setMessage(null);
    setMode(m);
  };

  // Code mode: the graph follows the text while it parses; the whole session is one undo step.
  const onCode = (t: string) => {
    setCode(t);
    try {
      const d = parseJson(t);
      setCodeErr('');
      setMessage(null); // a "fix the JSON first" no longer applies
      if (hist.current.present === codeBase.current) hist.current.push(d.root);
      else hist.current.replace(d.root);
      setWs({ lead: d.lead, trail: d.trail });
      rerender();
    } catch (e) {
      setCodeErr(e instanceof JsonSyntaxError ? e.message : String(e));
    }
  };

  const save = async () => {
    if (!valid) { fail(new Error(`The JSON is invalid (${codeErr}): fix it before saving.`)); return; }
    const nameErr = nameProblem(config.name);
    if (nameErr) { setMode('config'); fail(new Error(nameErr)); return; }
    setSaving(true);
    try {
      await props.onSave(text, config);
      setMessage({ kind: 'info', text: 'Saved.' });
    } catch (e) {
      const x = e as Error;
      setMessage({ kind: 'error', text: `Not saved: ${x.name && x.name !== 'Error' ? `${x.name}: ` : ''}${x.message}` });
    } finally {
      setSaving(false);
    }
  };

  const testState: TestStateFn = props.onTestState ?? ((req) => call('TestState', req));
  const aliasOps = useMemo(() => props.aliasOps ?? (props.machineArn ? aliasCalls(call, props.machineArn) : undefined), [props.aliasOps, props.machineArn]);
  const selectedRef = selected ? findState(root, selected) : undefined;
  const topEmpty = allStates(root).length === 0;

  const palette = (
    <nav class="sjd-palette" aria-label="States">
      {(['Flow', 'Actions'] as const).map((g) => (
        <section key={g}>
          <h3>{g}</h3>
          {PALETTE.filter((p) => p.group === g).map((p) => (
            <button type="button" key={p.id} class="sjd-palette-item" data-testid={`palette-${p.id}`} draggable title={`${p.hint}. Drag onto an arrow, or click to add after the selected state.`}
              onDragStart={(e) => { e.dataTransfer?.setData(PALETTE_MIME, p.id); e.dataTransfer?.setData('text/plain', p.id); if (e.dataTransfer) e.dataTransfer.effectAllowed = 'copy'; }}
              onClick={() => insert(afterTarget(hist.current.present, selected), p.id)}>
              <span class={`sjd-icon sjd-icon-${p.id}`} aria-hidden="true" />{p.label}
            </button>
          ))}
        </section>
      ))}
    </nav>
  );

  const graphPane = (
    <div class="sjd-graph" data-testid="designer-graph">
      <GraphView graph={graph} layout={layout} selected={selectedRef ? pointerOf(selectedRef.path) : null} diagnostics={graphDiags}
        onSelect={(id) => setSelected(id ? stateAtPointer(root, id)?.name ?? null : null)}
        onDrop={mode === 'design' ? onDrop : undefined} />
      {topEmpty && mode === 'design' && (
        <div class="sjd-drop-empty" data-testid="drop-empty" onDragOver={(e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; }}
          onDrop={(e) => { e.preventDefault(); insert({ kind: 'empty', scope: [] }, e.dataTransfer?.getData(PALETTE_MIME) ?? ''); }}>
          Drag a state here from the palette, or click one
        </div>
      )}
    </div>
  );

  return (
    <div class="sjd-designer" data-testid="designer">
      <div class="sjd-toolbar">
        <div class="sjd-modes" role="tablist" aria-label="Mode">
          {(['design', 'code', 'config'] as const).map((m) => (
            <button type="button" role="tab" key={m} aria-selected={mode === m} class={mode === m ? 'sjd-on' : ''} data-testid={`mode-${m}`}
              title={mode === 'code' && codeErr && m !== 'code' ? 'Fix the JSON first' : undefined} onClick={() => switchMode(m)}>
              {m === 'design' ? 'Design' : m === 'code' ? 'Code' : 'Config'}
            </button>
          ))}
        </div>
        {mode === 'design' && <>
          <button type="button" data-testid="undo" disabled={!hist.current.canUndo} title="Undo (Ctrl+Z / ⌘Z)" onClick={undo}>Undo</button>
          <button type="button" data-testid="redo" disabled={!hist.current.canRedo} title="Redo (Ctrl+Shift+Z / ⇧⌘Z)" onClick={redo}>Redo</button>
        </>}
        {mode === 'code' && <button type="button" data-testid="format" disabled={!!codeErr} title="Indent the whole definition with 2 spaces"
          onClick={() => onCode(formatNode(hist.current.present) + ws.trail)}>Format</button>}
        <span class="sjd-spacer" />
        <DiagnosticCount diags={diags} stale={diagsFor !== text} unavailable={!!validateNote} />
        <button type="button" class="sjd-primary" data-testid="save" disabled={saving || !valid} onClick={save}>{saving ? 'Saving…' : 'Save'}</button>
      </div>
      {message && <p class={message.kind === 'error' ? 'sjd-error' : 'sjd-info'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="designer-message">{message.text}</p>}
      {mode === 'code' && codeErr && <p class="sjd-error" data-testid="code-error">Invalid JSON: {codeErr}</p>}
      {mode === 'design' && (
        <div class="sjd-design">
          {palette}
          {graphPane}
          {selected && findState(root, selected)
            ? <Inspector root={root} name={selected} edit={(fn) => { edit(fn); }} onRenamed={setSelected} definitionText={() => docText} testState={testState}
                actions={{
                  duplicate: () => { try { const r = duplicateState(hist.current.present, selected); hist.current.push(r.root); setSelected(r.name); rerender(); } catch (e) { fail(e); } },
                  remove: () => remove(selected),
                  up: () => edit((r) => moveUp(r, selected)),
                  down: () => edit((r) => moveDown(r, selected)),
                }} />
            : <MachineInspector root={root} edit={(fn) => { edit(fn); }} />}
        </div>
      )}
      {mode === 'code' && (
        <div class="sjd-codepane">
          <CodeEditor value={code} onChange={onCode} diagnostics={diags} diagnosticsFor={diagsFor} />
          {graphPane}
        </div>
      )}
      {mode === 'config' && <ConfigForm config={config} onChange={setConfig} existing={!!props.name} aliases={aliasOps} />}
      <Diagnostics diags={diags} note={validateNote} onPick={(loc) => {
        const s = loc ? stateOfLocation(root, loc) : undefined;
        if (s) { setSelected(s.name); if (mode === 'config') setMode('design'); }
      }} />
    </div>
  );
}

function DiagnosticCount(props: { diags: ApiDiagnostic[]; stale: boolean; unavailable: boolean }) {
  const errors = props.diags.filter((d) => d.severity !== 'WARNING').length;
  const warnings = props.diags.length - errors;
  return (
    <span class={`sjd-count ${errors ? 'sjd-bad' : 'sjd-good'}`} data-testid="diagnostic-count" aria-live="polite">
      {props.unavailable ? 'Not checked' : props.stale ? 'Checking…' : errors || warnings ? `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}` : 'Valid'}
    </span>
  );
}

function Diagnostics(props: { diags: ApiDiagnostic[]; note: string; onPick: (location: string | undefined) => void }) {
  if (!props.diags.length && !props.note) return null;
  return (
    <ul class="sjd-diagnostics" data-testid="diagnostics">
      {props.note && <li class="sjd-muted">{props.note}</li>}
      {props.diags.map((d, k) => (
        <li key={k} data-testid="diagnostic" class={d.severity === 'WARNING' ? 'sjd-warn' : 'sjd-bad'}>
          <button type="button" class="sjd-link" onClick={() => props.onPick(d.location)}>
            <strong>{d.code}</strong> {d.message}{d.location ? <code> {d.location}</code> : null}
          </button>
        </li>
      ))}
    </ul>
  );
}
