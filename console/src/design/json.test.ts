import { describe, expect, it } from 'vitest';
import { formatNode, fromJS, getIn, parseJson, printDoc, sameNode, setIn, toJS, JsonSyntaxError, type JNode } from './json';

// Every definition stepjet ships or is tested against, read from disk as text (Vite's glob, so
// no Node typings are needed): the examples, the conformance cases (a `definition` member) and
// the API cases (definitions sent as strings).
const examples = import.meta.glob('../../../examples/**/*.asl.json', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const cases = import.meta.glob('../../../../shared/conformance/cases/*.json', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const apiCases = import.meta.glob('../../../../shared/conformance/api-cases/*.json', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Every definition text: the example files, the `definition` member of each case exactly as it
 *  is written in the file, and each definition string an API case sends. */
function definitions(): [string, string][] {
  const out: [string, string][] = Object.entries(examples);
  for (const [file, text] of Object.entries(cases)) {
    const d = getIn(parseJson(text).root, ['definition']);
    if (d && d.t === 'obj') out.push([file, d.src!]);
  }
  for (const [file, text] of Object.entries(apiCases)) {
    const reqs = getIn(parseJson(text).root, ['requests']);
    if (!reqs || reqs.t !== 'arr') continue;
    reqs.items.forEach((r, k) => {
      const d = getIn(r, ['params', 'definition']);
      if (d && d.t === 'str') {
        const s = JSON.parse(d.raw) as string;
        try { JSON.parse(s); out.push([`${file}#${k}`, s]); } catch { /* an invalid definition on purpose */ }
      }
    });
  }
  return out;
}

describe('lossless JSON round trip', () => {
  const defs = definitions();

  it('finds the definitions on disk', () => {
    expect(Object.keys(examples).length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(cases).length).toBeGreaterThan(400);
    expect(defs.length).toBeGreaterThan(500);
  });

  it('opening and saving without edits gives the same bytes', () => {
    for (const [file, text] of defs) {
      expect(printDoc(parseJson(text)), file).toBe(text);
    }
  });

  it('the canonical 2-space form keeps every key in order and every literal as written', () => {
    for (const [file, text] of defs) {
      const doc = parseJson(text);
      const canon = formatNode(doc.root);
      const again = parseJson(canon);
      expect(sameNode(doc.root, again.root), file).toBe(true);
      expect(formatNode(again.root), file).toBe(canon); // idempotent
      expect(JSON.parse(canon), file).toEqual(JSON.parse(text));
    }
  });

  it('keeps integer-like keys, number literals, escapes and duplicate keys', () => {
    const text = '{"b": 1.0, "2": 1e3, "1": 12345678901234567890, "s": "\\u00e9\\/", "b": -0}';
    const doc = parseJson(text);
    expect(printDoc(doc)).toBe(text);
    expect(formatNode(doc.root)).toBe('{\n  "b": 1.0,\n  "2": 1e3,\n  "1": 12345678901234567890,\n  "s": "\\u00e9\\/",\n  "b": -0\n}');
    expect(toJS(doc.root)).toEqual({ b: -0, 2: 1000, 1: 12345678901234567890, s: 'é/' });
  });

  it('an edit reprints only the containers on its path', () => {
    const text = examples['../../../examples/media/media.asl.json'];
    const doc = parseJson(text);
    const root = setIn(doc.root, ['States', 'Done', 'End'], fromJS(false));
    const out = printDoc({ ...doc, root });
    const before = text.split('\n'), after = out.split('\n');
    expect(after.length).toBe(before.length);
    const changed = before.filter((l, k) => l !== after[k]);
    expect(changed).toEqual(['      "End": true']);
    // A definition indented otherwise: the reprinted containers are consistently 2-space.
    const one = '{\n "StartAt": "A",\n "States": {\n  "A": {\n   "Type": "Pass",\n   "Result": {\n    "x": [1, 2]\n   },\n   "End": true\n  }\n }\n}';
    const d1 = parseJson(one);
    const r1 = setIn(d1.root, ['States', 'A', 'Comment'], fromJS('hi'));
    expect(printDoc({ ...d1, root: r1 })).toBe('{\n  "StartAt": "A",\n  "States": {\n    "A": {\n      "Type": "Pass",\n      "Result": {\n        "x": [1, 2]\n      },\n      "End": true,\n      "Comment": "hi"\n    }\n  }\n}');
  });

  it('refuses invalid JSON with where it is', () => {
    for (const bad of ['', '{', '{"a":}', '{"a":1,}', '[1 2]', '{"a":1} x', '"\\x"', '01', '{a:1}']) {
      expect(() => parseJson(bad), bad).toThrow(JsonSyntaxError);
    }
    try { parseJson('{\n  "a": tru\n}'); } catch (e) {
      expect((e as JsonSyntaxError).line).toBe(2);
    }
  });

  it('setIn creates, replaces and deletes without touching the input', () => {
    const doc = parseJson('{"a": {"b": 1}}');
    const r = setIn(doc.root, ['a', 'c'], fromJS([1]));
    expect(formatNode(r)).toBe('{\n  "a": {\n    "b": 1,\n    "c": [\n      1\n    ]\n  }\n}');
    const d = setIn(r, ['a', 'b'], undefined) as JNode;
    expect(toJS(d)).toEqual({ a: { c: [1] } });
    expect(printDoc(doc)).toBe('{"a": {"b": 1}}');
  });
});

describe('spans', () => {
  it('say where each value is, an object member from its key', () => {
    const text = '{\n  "States": {"a/b": {"Next": "x"}},\n  "L": [1, {"k": 2}]\n}';
    const spans = new Map<string, { from: number; to: number }>();
    parseJson(text, spans);
    const at = (p: string) => text.slice(spans.get(p)!.from, spans.get(p)!.to);
    expect(at('/States/a~1b/Next')).toBe('"Next": "x"');
    expect(at('/L/1/k')).toBe('"k": 2');
    expect(at('/L/0')).toBe('1');
    expect(at('')).toBe(text);
  });
});
