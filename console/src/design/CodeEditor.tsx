// Code mode's editor: CodeMirror 6 with the JSON language, the `{% … %}` JSONata expressions
// marked, and diagnostics drawn inline: the JSON syntax error and JSONata structure problems at
// once (as you type), ValidateStateMachineDefinition's when the designer has them (debounced
// there) placed on the member their location points at.

import { useEffect, useRef } from 'preact/hooks';
import { basicSetup } from 'codemirror';
import { EditorView, Decoration, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { EditorState, RangeSetBuilder } from '@codemirror/state';
import { json } from '@codemirror/lang-json';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
// Installed with codemirror and @codemirror/lang-json (the same versions they use), imported
// directly for a highlight style whose colours are the console's theme variables.
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { parseJson, JsonSyntaxError } from './json';
import { checkJsonata, findExpressions } from './jsonata';

/** A validator diagnostic (ValidateStateMachineDefinition's shape). */
export interface ApiDiagnostic {
  severity: string;
  code: string;
  message: string;
  location?: string;
}

export interface CodeEditorProps {
  value: string;
  onChange: (text: string) => void;
  diagnostics: ApiDiagnostic[];
  /** Which text the diagnostics were computed for (they are placed only on that text). */
  diagnosticsFor?: string;
}

const jsonataMark = Decoration.mark({ class: 'sjd-jsonata' });
const jsonataDelim = Decoration.mark({ class: 'sjd-jsonata-delim' });

function jsonataDecorations(view: EditorView): DecorationSet {
  const b = new RangeSetBuilder<Decoration>();
  for (const { from, to } of view.visibleRanges) {
    const text = view.state.doc.sliceString(from, to);
    for (const e of findExpressions(text)) {
      const s = from + e.expr.from, t = from + e.expr.to;
      b.add(s - 2, s, jsonataDelim);
      if (t > s) b.add(s, t, jsonataMark);
      b.add(t, t + 2, jsonataDelim);
    }
  }
  return b.finish();
}

const jsonataHighlight = ViewPlugin.fromClass(class {
  decorations: DecorationSet;
  constructor(view: EditorView) { this.decorations = jsonataDecorations(view); }
  update(u: ViewUpdate) {
    if (u.docChanged || u.viewportChanged) this.decorations = jsonataDecorations(u.view);
  }
}, { decorations: (v) => v.decorations });

// Colours from custom properties (design.css sets them for light and dark), so the editor
// follows the console's theme instead of CodeMirror's light-only defaults.
const themed = EditorView.theme({
  '&': { color: 'var(--sjd-fg)', backgroundColor: 'var(--sjd-bg)' },
  '.cm-gutters': { color: 'var(--sjd-muted)', backgroundColor: 'var(--sjd-code)', borderRight: '1px solid var(--sjd-border)' },
  '.cm-activeLine': { backgroundColor: 'var(--sjd-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--sjd-active-line)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--sjd-fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': { backgroundColor: 'var(--sjd-selection)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--sjd-selection)', color: 'inherit' },
});
const highlight = syntaxHighlighting(HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--sjd-key)' },
  { tag: tags.string, color: 'var(--sjd-string)' },
  { tag: tags.number, color: 'var(--sjd-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--sjd-literal)' },
]));

/** Where the text is wrong, from the local checks and the validator's findings. */
export function diagnose(text: string, api: ApiDiagnostic[], apiFor: string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const spans = new Map<string, { from: number; to: number }>();
  try {
    parseJson(text, spans);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      const from = Math.min(e.offset, text.length);
      out.push({ from, to: Math.min(from + 1, text.length), severity: 'error', source: 'JSON', message: e.message });
    }
    return out;
  }
  for (const p of checkJsonata(text)) out.push({ ...p, severity: 'error', source: 'JSONata' });
  if (apiFor === text) {
    for (const d of api) {
      const span = locate(spans, d.location, text);
      out.push({
        from: span.from, to: span.to,
        severity: d.severity === 'WARNING' ? 'warning' : 'error',
        source: d.code,
        message: d.message,
      });
    }
  }
  return out;
}

/** The span of the longest prefix of a JSON pointer that exists (a location may name a member
 *  the definition lacks, e.g. a missing Next), or the document's start. */
function locate(spans: Map<string, { from: number; to: number }>, location: string | undefined, text: string) {
  if (location) {
    const segs = location.split('/');
    for (let n = segs.length; n >= 1; n--) {
      const s = spans.get(segs.slice(0, n).join('/'));
      if (s) {
        // Underline the member's first line only, not a whole state.
        const eol = text.indexOf('\n', s.from);
        const to = Math.min(s.to, eol < 0 ? text.length : eol);
        return { from: s.from, to: Math.max(to, Math.min(s.from + 1, text.length)) };
      }
    }
  }
  return { from: 0, to: Math.min(1, text.length) };
}

/** The page's CSP nonce: the server puts a fresh one in index.html's
 * <meta name="csp-nonce"> and in the response's style-src, which allows CodeMirror's <style>
 * elements only with it. Empty when the page has none (the Vite dev server sends no CSP). */
export function cspNonce(doc: Document = document): string {
  const v = doc.querySelector('meta[name="csp-nonce"]')?.getAttribute('content') ?? '';
  return v === '__CSP_NONCE__' ? '' : v;
}

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          EditorView.cspNonce.of(cspNonce()),
          basicSetup,
          themed,
          highlight,
          json(),
          jsonataHighlight,
          lintGutter(),
          EditorView.lineWrapping,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChange.current(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'State machine definition (Amazon States Language JSON)' }),
        ],
      }),
    });
    view.current = v;
    return () => { v.destroy(); view.current = null; };
  }, []);

  // The text changed outside the editor (undo in Design mode, Format): replace it.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const text = v.state.doc.toString();
    v.dispatch(setDiagnostics(v.state, diagnose(text, props.diagnostics, props.diagnosticsFor)));
  }, [props.value, props.diagnostics, props.diagnosticsFor]);

  return <div class="sjd-code" data-testid="code-editor" ref={host} />;
}
