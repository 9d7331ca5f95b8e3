// JSONata awareness for Code mode: where the `{% … %}` expressions are in the JSON text (for
// highlighting) and a cheap structural check of each (brackets, quotes, comments), run as you
// type. The full parse is the server's: ValidateStateMachineDefinition reports what this misses.

export interface Span { from: number; to: number }
export interface Problem extends Span { message: string }

/** A JSON string literal whose value is a JSONata expression: its whole span (quotes included)
 *  and the expression's span (between `{%` and `%}`). */
export interface Expression { string: Span; expr: Span }

const STRING = /"(?:[^"\\\n]|\\.)*"/g;

/** The JSONata expressions in a JSON text: string values that start with `{%` and end with `%}`
 *  (ASL's rule, whitespace around allowed). Works on invalid JSON too: it only scans strings. */
export function findExpressions(text: string): Expression[] {
  const out: Expression[] = [];
  for (const m of text.matchAll(STRING)) {
    const s = m[0];
    const inner = s.slice(1, -1);
    const lead = inner.length - inner.trimStart().length;
    const body = inner.trim();
    if (!body.startsWith('{%') || !body.endsWith('%}') || body.length < 4) continue;
    const from = m.index! + 1 + lead;
    out.push({ string: { from: m.index!, to: m.index! + s.length }, expr: { from: from + 2, to: from + body.length - 2 } });
  }
  return out;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Check one expression's structure. `src` is the expression as written inside the JSON string
 *  (JSON escapes such as \" count as the character they stand for). */
export function checkExpression(src: string, offset = 0): Problem[] {
  const problems: Problem[] = [];
  const stack: { ch: string; at: number }[] = [];
  let k = 0;
  const at = (n: number) => ({ from: offset + n, to: offset + n + 1 });
  if (!src.trim()) return [{ from: offset, to: offset + src.length, message: 'empty JSONata expression' }];
  while (k < src.length) {
    const c = src[k];
    if (c === '\\' && src[k + 1] === '"') {
      // A JSON-escaped double quote starts a JSONata string literal.
      const end = src.indexOf('\\"', k + 2);
      if (end < 0) { problems.push({ ...at(k), message: 'unterminated string literal in JSONata' }); return problems; }
      k = end + 2;
      continue;
    }
    if (c === "'") {
      let j = k + 1;
      while (j < src.length && src[j] !== "'") j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) { problems.push({ ...at(k), message: 'unterminated string literal in JSONata' }); return problems; }
      k = j + 1;
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', k + 1);
      if (end < 0) { problems.push({ ...at(k), message: 'unterminated `name` in JSONata' }); return problems; }
      k = end + 1;
      continue;
    }
    if (c === '/' && src[k + 1] === '*') {
      const end = src.indexOf('*/', k + 2);
      if (end < 0) { problems.push({ ...at(k), message: 'unterminated comment in JSONata' }); return problems; }
      k = end + 2;
      continue;
    }
    if (OPEN[c]) stack.push({ ch: c, at: k });
    else if (CLOSE[c]) {
      const top = stack.pop();
      if (!top) problems.push({ ...at(k), message: `"${c}" closes nothing in JSONata` });
      else if (top.ch !== CLOSE[c]) problems.push({ ...at(k), message: `"${c}" does not close "${top.ch}" (expected "${OPEN[top.ch]}")` });
    }
    k++;
  }
  for (const s of stack) problems.push({ ...at(s.at), message: `"${s.ch}" is never closed in JSONata` });
  return problems;
}

/** Every structural problem of every JSONata expression in a JSON text. */
export function checkJsonata(text: string): Problem[] {
  return findExpressions(text).flatMap((e) => checkExpression(text.slice(e.expr.from, e.expr.to), e.expr.from));
}
