// The Choice rule builder. JSONPath rules: a comparison (Variable, operator, value) or And / Or /
// Not of rules, nested; JSONata rules: a Condition. Each top-level rule has a Next. Edits touch
// only the rule's members they change (json.ts keeps the rest as written).

import { fromJS, getIn, member, setIn, strAt, type JNode, type Path } from './json';
import { JsonField, SelectField, TextField } from './fields';

const BASES = ['String', 'Numeric', 'Timestamp'];
const RELS = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];
/** Every comparison operator of ASL's Choice rules. */
export const OPERATORS: string[] = [
  ...BASES.flatMap((b) => RELS.flatMap((r) => [b + r, b + r + 'Path'])),
  'StringMatches', 'BooleanEquals', 'BooleanEqualsPath',
  'IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp',
];

/** The value an operator takes, converted from what the user typed. */
export function operand(op: string, text: string): JNode {
  if (op.endsWith('Path') || op.startsWith('String') || op.startsWith('Timestamp')) return fromJS(text);
  if (op.startsWith('Numeric')) return /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text.trim()) ? { t: 'num', raw: text.trim() } : fromJS(Number(text) || 0);
  return fromJS(text.trim() !== 'false');
}

function operatorOf(rule: JNode | undefined): string | undefined {
  return rule?.t === 'obj' ? rule.entries.map((e) => e.key).find((k) => OPERATORS.includes(k)) : undefined;
}

function kindOf(rule: JNode | undefined): 'compare' | 'And' | 'Or' | 'Not' {
  for (const k of ['And', 'Or', 'Not'] as const) if (member(rule, k)) return k;
  return 'compare';
}

export interface ChoiceRulesProps {
  root: JNode;
  /** Path of the Choice state. */
  path: Path;
  jsonata: boolean;
  targets: string[];
  edit: (fn: (root: JNode) => JNode) => void;
}

export function ChoiceRules(p: ChoiceRulesProps) {
  const choices = getIn(p.root, [...p.path, 'Choices']);
  const rules = choices?.t === 'arr' ? choices.items : [];
  const add = () => p.edit((r) => {
    const rule = p.jsonata ? { Condition: '{% true %}', Next: p.targets[0] ?? '' } : { Variable: '$.value', StringEquals: '', Next: p.targets[0] ?? '' };
    return setIn(r, [...p.path, 'Choices', rules.length], fromJS(rule));
  });
  const move = (k: number, d: number) => p.edit((r) => {
    const a = getIn(r, [...p.path, 'Choices', k])!, b = getIn(r, [...p.path, 'Choices', k + d])!;
    return setIn(setIn(r, [...p.path, 'Choices', k], b), [...p.path, 'Choices', k + d], a);
  });
  return (
    <div class="sjd-choices" data-testid="choice-rules">
      <h4>Choice rules</h4>
      {rules.map((rule, k) => {
        const rp = [...p.path, 'Choices', k];
        return (
          <fieldset class="sjd-item" key={k} data-testid={`rule-${k}`}>
            <legend>Rule {k + 1}</legend>
            {p.jsonata || member(rule, 'Condition')
              ? <TextField label="Condition" testid={`field-Choices-${k}-Condition`} value={strAt(rule, ['Condition'])} hint="A {% … %} expression that is true or false"
                  onCommit={(v) => p.edit((r) => setIn(r, [...rp, 'Condition'], v === undefined ? undefined : fromJS(v)))} />
              : <RuleEditor {...p} at={rp} prefix={`field-Choices-${k}`} />}
            <SelectField label="Then go to" testid={`field-Choices-${k}-Next`} value={strAt(rule, ['Next']) ?? ''} options={['', ...p.targets]}
              onCommit={(v) => p.edit((r) => setIn(r, [...rp, 'Next'], fromJS(v)))} />
            <div class="sjd-actions">
              <button type="button" disabled={k === 0} onClick={() => move(k, -1)} title="Rules are tried in order">↑</button>
              <button type="button" disabled={k === rules.length - 1} onClick={() => move(k, 1)}>↓</button>
              <button type="button" data-testid={`rule-remove-${k}`} onClick={() => p.edit((r) => setIn(r, rp, undefined))}>Remove rule</button>
            </div>
          </fieldset>
        );
      })}
      <button type="button" data-testid="rule-add" onClick={add}>Add rule</button>
    </div>
  );
}

/** One rule: a comparison or And/Or/Not of nested rules. Next is kept by the caller. */
function RuleEditor(p: ChoiceRulesProps & { at: Path; prefix: string }) {
  const rule = getIn(p.root, p.at);
  const kind = kindOf(rule);
  // Change what the rule is, keeping its Comment and Next; a comparison becomes the first
  // operand of And/Or/Not, and going back to a comparison keeps the first operand's.
  const setKind = (k: string) => p.edit((r) => {
    const current = getIn(r, p.at);
    const own = current?.t === 'obj' ? current.entries : [];
    const keep = (key: string) => own.filter((e) => e.key === key);
    const body = own.filter((e) => e.key !== 'Next' && e.key !== 'Comment');
    const inner = (): JNode => {
      const cur = kindOf(current);
      if (cur === 'compare' && body.length) return { t: 'obj', entries: body };
      const first = cur === 'Not' ? member(current, 'Not') : cur === 'compare' ? undefined : getIn(current, [cur, 0]);
      return first && kindOf(first) === 'compare' ? first : fromJS({ Variable: '$.value', IsPresent: true });
    };
    const cmp = inner();
    const entries = [...keep('Comment')];
    if (k === 'compare') entries.push(...(cmp.t === 'obj' ? cmp.entries : []));
    else entries.push({ rawKey: JSON.stringify(k), key: k, value: k === 'Not' ? cmp : { t: 'arr', items: [cmp] } });
    entries.push(...keep('Next'));
    return setIn(r, p.at, { t: 'obj', entries });
  });
  return (
    <div class="sjd-rule">
      <SelectField label="Rule" testid={`${p.prefix}-kind`} value={kind} options={[['compare', 'Compare'], ['And', 'And'], ['Or', 'Or'], ['Not', 'Not']]} onCommit={setKind} />
      {kind === 'compare' && <Comparison {...p} rule={rule} />}
      {kind === 'Not' && <div class="sjd-nested"><RuleEditor {...p} at={[...p.at, 'Not']} prefix={`${p.prefix}-Not`} /></div>}
      {(kind === 'And' || kind === 'Or') && (() => {
        const list = member(rule, kind);
        const items = list?.t === 'arr' ? list.items : [];
        return (
          <div class="sjd-nested">
            {items.map((_, i) => (
              <div key={i} class="sjd-subrule">
                <RuleEditor {...p} at={[...p.at, kind, i]} prefix={`${p.prefix}-${kind}-${i}`} />
                <button type="button" disabled={items.length <= 1} onClick={() => p.edit((r) => setIn(r, [...p.at, kind, i], undefined))}>Remove condition</button>
              </div>
            ))}
            <button type="button" data-testid={`${p.prefix}-${kind}-add`}
              onClick={() => p.edit((r) => setIn(r, [...p.at, kind, items.length], fromJS({ Variable: '$.value', IsPresent: true })))}>Add condition</button>
          </div>
        );
      })()}
    </div>
  );
}

function Comparison(p: ChoiceRulesProps & { at: Path; prefix: string; rule: JNode | undefined }) {
  const op = operatorOf(p.rule) ?? 'StringEquals';
  const v = member(p.rule, op);
  const text = v ? (v.t === 'str' ? (JSON.parse(v.raw) as string) : v.t === 'obj' || v.t === 'arr' ? '' : v.raw) : '';
  const setOp = (next: string) => p.edit((r) => {
    const rule = getIn(r, p.at);
    if (rule?.t !== 'obj') return r;
    // Swap the operator in place so the member order stays as written.
    const entries = rule.entries.map((e) => (e.key === op ? { rawKey: JSON.stringify(next), key: next, value: operand(next, text) } : e));
    if (!entries.some((e) => e.key === next)) entries.splice(1, 0, { rawKey: JSON.stringify(next), key: next, value: operand(next, text) });
    return setIn(r, p.at, { t: 'obj', entries });
  });
  return <>
    <TextField label="Variable" testid={`${p.prefix}-Variable`} value={strAt(p.rule, ['Variable'])} placeholder="$.field"
      onCommit={(x) => p.edit((r) => setIn(r, [...p.at, 'Variable'], fromJS(x ?? '$')))} />
    <SelectField label="Operator" testid={`${p.prefix}-Operator`} value={op} options={OPERATORS} onCommit={setOp} />
    {v && (v.t === 'obj' || v.t === 'arr')
      ? <JsonField label="Value" testid={`${p.prefix}-Value`} node={v} onCommit={(n) => p.edit((r) => setIn(r, [...p.at, op], n))} />
      : <TextField label="Value" testid={`${p.prefix}-Value`} value={text}
          hint={op.endsWith('Path') ? 'A path to compare with' : op.startsWith('Is') || op.startsWith('Boolean') ? 'true or false' : undefined}
          onCommit={(x) => p.edit((r) => setIn(r, [...p.at, op], operand(op, x ?? '')))} />}
  </>;
}
