// Choice rules as the text drawn on their edges: `$.x == 3`, `$.a < $.b`, `$.s matches "a*"`,
// `$.x is present`, `(A) and (B)`, `not (A)`, and a JSONata rule's Condition without its {% %}.

type Obj = Record<string, unknown>;

const operators: Record<string, string> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
};

const families = ['String', 'Numeric', 'Boolean', 'Timestamp'];

const typeTests: Record<string, string> = {
  IsNull: 'null',
  IsPresent: 'present',
  IsNumeric: 'numeric',
  IsString: 'a string',
  IsBoolean: 'a boolean',
  IsTimestamp: 'a timestamp',
};

/** Readable text of one Choice rule (or of a nested rule of And/Or/Not); '?' for what it cannot read. */
export function choiceRuleText(rule: unknown): string {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return '?';
  const r = rule as Obj;
  if (typeof r.Condition === 'string') return jsonataText(r.Condition);
  if (Array.isArray(r.And)) return compound(r.And, 'and');
  if (Array.isArray(r.Or)) return compound(r.Or, 'or');
  if (r.Not !== undefined) return `not ${wrap(r.Not)}`;
  const variable = typeof r.Variable === 'string' ? r.Variable : '?';
  for (const key of Object.keys(r)) {
    const text = comparison(key, r[key]);
    if (text !== undefined) return `${variable} ${text}`;
  }
  return variable;
}

/** A JSONata condition without its "{% … %}" delimiters. */
function jsonataText(condition: string): string {
  const m = /^\s*\{%([\s\S]*)%\}\s*$/.exec(condition);
  return (m ? m[1] : condition).trim();
}

function compound(rules: unknown[], op: string): string {
  if (!rules.length) return `(${op})`;
  return rules.map(wrap).join(` ${op} `);
}

/** A nested rule, in parentheses when it is itself And/Or/Not so precedence is explicit. */
function wrap(rule: unknown): string {
  const text = choiceRuleText(rule);
  const r = rule as Obj | null;
  const nested = typeof r === 'object' && r !== null && (Array.isArray(r.And) || Array.isArray(r.Or) || r.Not !== undefined);
  return nested ? `(${text})` : text;
}

function comparison(key: string, value: unknown): string | undefined {
  if (key === 'StringMatches') return `matches ${literal(value)}`;
  if (key in typeTests) return `is ${value === false ? 'not ' : ''}${typeTests[key]}`;
  for (const family of families) {
    if (!key.startsWith(family)) continue;
    let op = key.slice(family.length);
    const path = op.endsWith('Path');
    if (path) op = op.slice(0, -4);
    if (!(op in operators)) continue;
    return `${operators[op]} ${path && typeof value === 'string' ? value : literal(value)}`;
  }
  return undefined;
}

function literal(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
}
