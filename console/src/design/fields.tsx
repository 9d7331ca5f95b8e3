// Form controls of the inspector and Config mode. They commit on `change` (blur or Enter), not on
// every keystroke, so each commit is one undo step; JSON fields keep what the user wrote
// (json.ts keeps literals and key order) and refuse text that does not parse, saying why.

import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { parseJson, printNode, fromJS, type JNode } from './json';

let uid = 0;
const useId = (prefix: string) => useState(() => `${prefix}-${++uid}`)[0];

export function Row(props: { label: string; for?: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="sjd-row">
      <label for={props.for}>{props.label}</label>
      {props.children}
      {props.hint && <small class="sjd-hint">{props.hint}</small>}
    </div>
  );
}

export function TextField(props: {
  label: string; testid: string; value: string | undefined; onCommit: (v: string | undefined) => void;
  placeholder?: string; hint?: string; list?: string; disabled?: boolean;
}) {
  const id = useId('f');
  const [text, setText] = useState(props.value ?? '');
  useEffect(() => setText(props.value ?? ''), [props.value]);
  return (
    <Row label={props.label} for={id} hint={props.hint}>
      <input
        id={id} data-testid={props.testid} type="text" value={text} placeholder={props.placeholder} list={props.list}
        disabled={props.disabled}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onChange={(e) => {
          // Read the element, not the state: a change can come before the re-render of the last input.
          const v = (e.target as HTMLInputElement).value;
          if (v !== (props.value ?? '')) props.onCommit(v === '' ? undefined : v);
        }}
      />
    </Row>
  );
}

/** A number kept as written ("1.0" stays "1.0"); empty removes the field. */
export function NumberField(props: { label: string; testid: string; node: JNode | undefined; onCommit: (n: JNode | undefined) => void; hint?: string; integer?: boolean }) {
  const id = useId('n');
  const shown = props.node && props.node.t !== 'obj' && props.node.t !== 'arr' ? props.node.raw : '';
  const [text, setText] = useState(shown);
  const [err, setErr] = useState('');
  useEffect(() => { setText(shown); setErr(''); }, [shown]);
  const commit = (e: Event) => {
    const t = (e.target as HTMLInputElement).value.trim();
    if (t === shown) return;
    if (t === '') { setErr(''); props.onCommit(undefined); return; }
    if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(t) || (props.integer && !/^-?\d+$/.test(t))) {
      setErr(props.integer ? 'a whole number' : 'a number');
      return;
    }
    setErr('');
    props.onCommit({ t: 'num', raw: t });
  };
  return (
    <Row label={props.label} for={id} hint={err ? `Expected ${err}` : props.hint}>
      <input id={id} data-testid={props.testid} type="text" inputMode="decimal" value={text} aria-invalid={err ? 'true' : undefined}
        onInput={(e) => setText((e.target as HTMLInputElement).value)} onChange={commit} />
    </Row>
  );
}

export function SelectField(props: {
  label: string; testid: string; value: string; options: (string | [string, string])[]; onCommit: (v: string) => void; hint?: string; disabled?: boolean;
}) {
  const id = useId('s');
  return (
    <Row label={props.label} for={id} hint={props.hint}>
      <select id={id} data-testid={props.testid} value={props.value} disabled={props.disabled} onChange={(e) => props.onCommit((e.target as HTMLSelectElement).value)}>
        {props.options.map((o) => {
          const [v, l] = typeof o === 'string' ? [o, o] : o;
          return <option key={v} value={v}>{l}</option>;
        })}
      </select>
    </Row>
  );
}

export function CheckField(props: { label: string; testid: string; checked: boolean; onCommit: (v: boolean) => void; disabled?: boolean }) {
  const id = useId('c');
  return (
    <div class="sjd-row sjd-check">
      <input id={id} data-testid={props.testid} type="checkbox" checked={props.checked} disabled={props.disabled}
        onChange={(e) => props.onCommit((e.target as HTMLInputElement).checked)} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/** Parse a JSON field's text; in JSONata mode a bare `{% … %}` is taken as that string. */
export function parseFieldText(text: string, jsonata: boolean): JNode {
  const t = text.trim();
  if (jsonata && t.startsWith('{%') && t.endsWith('%}')) return fromJS(t);
  return parseJson(t).root;
}

/** A JSON value (Parameters, ResultSelector, Arguments, Output, Assign, Result, …). */
export function JsonField(props: {
  label: string; testid: string; node: JNode | undefined; onCommit: (n: JNode | undefined) => void;
  jsonata?: boolean; hint?: string; rows?: number; placeholder?: string;
}) {
  const id = useId('j');
  const shown = props.node ? printNode(props.node, '') : '';
  const [text, setText] = useState(shown);
  const [err, setErr] = useState('');
  useEffect(() => { setText(shown); setErr(''); }, [shown]);
  const commit = (e: Event) => {
    const text = (e.target as HTMLTextAreaElement).value;
    if (text === shown) return;
    if (text.trim() === '') { setErr(''); props.onCommit(undefined); return; }
    try {
      const n = parseFieldText(text, !!props.jsonata);
      setErr('');
      props.onCommit(n);
    } catch (e) {
      setErr(`Not saved: ${(e as Error).message}`);
    }
  };
  return (
    <Row label={props.label} for={id} hint={err || props.hint}>
      <textarea id={id} data-testid={props.testid} rows={props.rows ?? Math.min(12, Math.max(3, text.split('\n').length))}
        spellcheck={false} value={text} placeholder={props.placeholder} aria-invalid={err ? 'true' : undefined}
        class={err ? 'sjd-invalid' : undefined}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} onChange={commit} />
    </Row>
  );
}

/** A list of names as one comma-separated text (Retry/Catch ErrorEquals). */
export function ListField(props: { label: string; testid: string; value: string[]; onCommit: (v: string[]) => void; hint?: string }) {
  return (
    <TextField label={props.label} testid={props.testid} value={props.value.join(', ')} hint={props.hint}
      onCommit={(v) => props.onCommit((v ?? '').split(',').map((s) => s.trim()).filter(Boolean))} />
  );
}
