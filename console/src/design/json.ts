// A lossless JSON model for the designer. JSON.parse cannot round-trip a definition: JS objects
// move integer-like keys ("1", "20") ahead of the others, numbers lose how they were written
// (1.0, 1e3, 12345678901234567890), strings lose their escapes (\u00e9) and duplicate keys
// collapse. This tree keeps all of that, and every container keeps the text it was parsed from.
//
// Canonical form (what the designer saves):
//   - a document that was not edited prints as its own text, byte for byte;
//   - an edited document keeps the text of every container the edit did not touch; the
//     containers on the edit's path (and new ones) print 2-space indented, `"key": value`,
//     `{}`/`[]` when empty, strings and numbers as they were written (new ones as
//     JSON.stringify writes them); the input's leading and trailing whitespace is kept;
//   - nothing is ever added: layout positions live in the console, never in the ASL.
// Edits are copy-on-write: they return a new root and share every untouched node, which is what
// makes undo/redo cheap and keeps the untouched text.

export type JNode = JObject | JArray | JScalar;

export interface JObject {
  t: 'obj';
  entries: JEntry[];
  /** Source text and the indentation of the line it started on (set by parse only). */
  src?: string;
  indent?: string;
}
export interface JArray {
  t: 'arr';
  items: JNode[];
  src?: string;
  indent?: string;
}
export interface JScalar {
  t: 'str' | 'num' | 'lit';
  /** The literal as written: a string with its quotes and escapes, a number, true/false/null. */
  raw: string;
}
export interface JEntry {
  /** The key as written (quotes and escapes included) and decoded. */
  rawKey: string;
  key: string;
  value: JNode;
}

export interface JDoc {
  root: JNode;
  /** Whitespace before and after the root value in the text. */
  lead: string;
  trail: string;
}

export class JsonSyntaxError extends Error {
  constructor(message: string, public readonly offset: number, public readonly line: number, public readonly column: number) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);

/** Parse JSON text (RFC 8259, strict: no comments, no trailing commas) into the lossless tree.
 *  With `spans`, also record where each value is in the text by its JSON pointer (an object
 *  member's span starts at its key), for placing diagnostics in Code mode. */
export function parseJson(text: string, spans?: Map<string, { from: number; to: number }>): JDoc {
  let i = 0;
  const fail = (msg: string, at = i): never => {
    let line = 1, col = 1;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text[k] === '\n') { line++; col = 1; } else col++;
    }
    throw new JsonSyntaxError(msg, at, line, col);
  };
  const skip = () => { while (i < text.length && WS.has(text[i])) i++; };
  const lineIndent = (at: number) => {
    let s = at;
    while (s > 0 && text[s - 1] !== '\n') s--;
    let e = s;
    while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
    return text.slice(s, e);
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const c = text[i];
      if (c === '"') { i++; return text.slice(start, i); }
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape');
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else fail('invalid escape in string');
      } else if (c < ' ') fail('control character in string');
      else i++;
    }
    return fail('unterminated string', start);
  };
  const tok = (key: string | number) => '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');
  const value = (depth: number, ptr: string, from?: number): JNode => {
    if (depth > 512) fail('nesting deeper than 512');
    skip();
    const start = i;
    const node = scalar() ?? container(depth, ptr, start);
    spans?.set(ptr, { from: from ?? start, to: i });
    return node;
  };
  const scalar = (): JNode | undefined => {
    const c = text[i];
    if (c === '"') return { t: 'str', raw: str() };
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0] !== '' && m[0] !== '-') { i += m[0].length; return { t: 'num', raw: m[0] }; }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) { i += lit.length; return { t: 'lit', raw: lit }; }
    }
    return undefined;
  };
  const container = (depth: number, ptr: string, start: number): JNode => {
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: JEntry[] = [];
      skip();
      if (text[i] !== '}') {
        for (;;) {
          skip();
          if (text[i] !== '"') fail('expected a "key"');
          const keyAt = i;
          const rawKey = str();
          const key = JSON.parse(rawKey) as string;
          skip();
          if (text[i] !== ':') fail('expected ":" after a key');
          i++;
          entries.push({ rawKey, key, value: value(depth + 1, ptr + tok(key), keyAt) });
          skip();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === '}') break;
          fail('expected "," or "}"');
        }
      }
      i++;
      return { t: 'obj', entries, src: text.slice(start, i), indent: lineIndent(start) };
    }
    if (c === '[') {
      i++;
      const items: JNode[] = [];
      skip();
      if (text[i] !== ']') {
        for (;;) {
          items.push(value(depth + 1, ptr + tok(items.length)));
          skip();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === ']') break;
          fail('expected "," or "]"');
        }
      }
      i++;
      return { t: 'arr', items, src: text.slice(start, i), indent: lineIndent(start) };
    }
    return fail(i >= text.length ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(c)}`);
  };
  skip();
  const lead = text.slice(0, i);
  const root = value(0, '');
  const end = i;
  skip();
  if (i < text.length) fail('unexpected text after the JSON value');
  return { root, lead, trail: text.slice(end) };
}

/** Print the document in canonical form (see the top of this file). */
export function printDoc(doc: JDoc): string {
  return doc.lead + printNode(doc.root, '') + doc.trail;
}

/** Print a node whose first line is indented by `indent`. Untouched containers print their own
 *  text when it is on one line or was written at the same indentation (so it stays aligned). */
export function printNode(n: JNode, indent: string, reuse = true): string {
  if (n.t !== 'obj' && n.t !== 'arr') return n.raw;
  if (reuse && n.src !== undefined && (n.indent === indent || !n.src.includes('\n'))) return n.src;
  const inner = indent + '  ';
  if (n.t === 'obj') {
    if (n.entries.length === 0) return '{}';
    return '{\n' + n.entries.map((e) => inner + e.rawKey + ': ' + printNode(e.value, inner, reuse)).join(',\n') + '\n' + indent + '}';
  }
  if (n.items.length === 0) return '[]';
  return '[\n' + n.items.map((v) => inner + printNode(v, inner, reuse)).join(',\n') + '\n' + indent + ']';
}

/** The 2-space form of a node regardless of its source text (for Code mode's "Format"). */
export function formatNode(n: JNode): string {
  return printNode(n, '', false);
}

// ---- conversions ----

/** Plain JS value of a node (for reading and for buildGraph). Numbers become JS numbers, which
 *  is fine for display; the tree keeps the literal for saving. Duplicate keys: the last wins,
 *  as JSON.parse does. */
export function toJS(n: JNode | undefined): unknown {
  if (!n) return undefined;
  switch (n.t) {
    case 'obj': {
      const o: Record<string, unknown> = {};
      for (const e of n.entries) o[e.key] = toJS(e.value);
      return o;
    }
    case 'arr': return n.items.map(toJS);
    default: return JSON.parse(n.raw);
  }
}

/** A new node from a plain JS value (no source text: it prints in canonical form). */
export function fromJS(v: unknown): JNode {
  if (v === null || v === undefined) return { t: 'lit', raw: 'null' };
  if (typeof v === 'boolean') return { t: 'lit', raw: String(v) };
  if (typeof v === 'number') return Number.isFinite(v) ? { t: 'num', raw: JSON.stringify(v) } : { t: 'lit', raw: 'null' };
  if (typeof v === 'string') return { t: 'str', raw: JSON.stringify(v) };
  if (Array.isArray(v)) return { t: 'arr', items: v.map(fromJS) };
  if (typeof v === 'object') {
    return {
      t: 'obj',
      entries: Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => ({ rawKey: JSON.stringify(k), key: k, value: fromJS(x) })),
    };
  }
  return { t: 'lit', raw: 'null' };
}

/** Structural equality, literals compared as written and key order significant. */
export function sameNode(a: JNode, b: JNode): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'obj' && b.t === 'obj') {
    return a.entries.length === b.entries.length &&
      a.entries.every((e, k) => e.key === b.entries[k].key && sameNode(e.value, b.entries[k].value));
  }
  if (a.t === 'arr' && b.t === 'arr') {
    return a.items.length === b.items.length && a.items.every((v, k) => sameNode(v, b.items[k]));
  }
  return (a as JScalar).raw === (b as JScalar).raw;
}

// ---- paths and copy-on-write edits ----

export type Path = (string | number)[];

/** The value of the last entry named key (JSON.parse's rule for duplicates). */
export function member(n: JNode | undefined, key: string): JNode | undefined {
  if (!n || n.t !== 'obj') return undefined;
  for (let k = n.entries.length - 1; k >= 0; k--) if (n.entries[k].key === key) return n.entries[k].value;
  return undefined;
}

export function getIn(n: JNode | undefined, path: Path): JNode | undefined {
  let cur = n;
  for (const seg of path) {
    if (!cur) return undefined;
    if (typeof seg === 'number') cur = cur.t === 'arr' ? cur.items[seg] : undefined;
    else cur = member(cur, seg);
  }
  return cur;
}

/** A string member's value, or undefined when missing or not a string. */
export function strAt(n: JNode | undefined, path: Path): string | undefined {
  const v = getIn(n, path);
  return v && v.t === 'str' ? (JSON.parse(v.raw) as string) : undefined;
}

/** Set (value) or delete (undefined) the node at path, returning a new root; containers on the
 *  path are copied without their source text, everything else is shared. A new key goes last;
 *  missing containers on the way are created as objects. */
export function setIn(root: JNode, path: Path, value: JNode | undefined): JNode {
  if (path.length === 0) return value ?? { t: 'lit', raw: 'null' };
  const [seg, ...rest] = path;
  if (typeof seg === 'number') {
    if (root.t !== 'arr') throw new Error(`not an array at index ${seg}`);
    const items = root.items.slice();
    if (rest.length === 0) {
      if (value === undefined) items.splice(seg, 1);
      else items[seg] = value;
    } else {
      items[seg] = setIn(items[seg] ?? { t: 'obj', entries: [] }, rest, value);
    }
    return { t: 'arr', items };
  }
  if (root.t !== 'obj') throw new Error(`not an object at "${seg}"`);
  const entries = root.entries.slice();
  let k = -1;
  for (let j = entries.length - 1; j >= 0; j--) if (entries[j].key === seg) { k = j; break; }
  if (rest.length === 0) {
    if (value === undefined) {
      if (k >= 0) entries.splice(k, 1);
    } else if (k >= 0) entries[k] = { ...entries[k], value };
    else entries.push({ rawKey: JSON.stringify(seg), key: seg, value });
  } else {
    const child = k >= 0 ? entries[k].value : ({ t: 'obj', entries: [] } as JNode);
    const next = setIn(child, rest, value);
    if (k >= 0) entries[k] = { ...entries[k], value: next };
    else entries.push({ rawKey: JSON.stringify(seg), key: seg, value: next });
  }
  return { t: 'obj', entries };
}

/** Insert an entry into the object at path right after the key `after` (null: first; undefined
 *  or a key it lacks: last). */
export function insertEntry(root: JNode, path: Path, key: string, value: JNode, after?: string | null): JNode {
  const obj = getIn(root, path);
  if (!obj || obj.t !== 'obj') throw new Error('not an object');
  const entries = obj.entries.filter((e) => e.key !== key);
  let at = after === null ? 0 : entries.length;
  if (after !== undefined && after !== null) {
    const k = entries.findIndex((e) => e.key === after);
    if (k >= 0) at = k + 1;
  }
  entries.splice(at, 0, { rawKey: JSON.stringify(key), key, value });
  return replaceAt(root, path, { t: 'obj', entries });
}

/** Rename a key of the object at path, keeping its place and value. */
export function renameEntry(root: JNode, path: Path, from: string, to: string): JNode {
  const obj = getIn(root, path);
  if (!obj || obj.t !== 'obj') throw new Error('not an object');
  const entries = obj.entries.map((e) => (e.key === from ? { rawKey: JSON.stringify(to), key: to, value: e.value } : e));
  return replaceAt(root, path, { t: 'obj', entries });
}

function replaceAt(root: JNode, path: Path, node: JNode): JNode {
  return path.length === 0 ? node : setIn(root, path, node);
}

// ---- JSON pointers (RFC 6901), the ids the graph and the validator use ----

export function toPointer(path: Path): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function fromPointer(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A pointer's segments with array indexes as numbers, resolved against the tree. */
export function resolvePointer(root: JNode, ptr: string): Path | undefined {
  const out: Path = [];
  let cur: JNode | undefined = root;
  for (const seg of fromPointer(ptr)) {
    if (!cur) return undefined;
    if (cur.t === 'arr') {
      if (!/^\d+$/.test(seg)) return undefined;
      out.push(Number(seg));
      cur = cur.items[Number(seg)];
    } else {
      out.push(seg);
      cur = member(cur, seg);
    }
  }
  return cur ? out : undefined;
}
