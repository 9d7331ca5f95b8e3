import { describe, expect, it } from 'vitest';
import { checkJsonata, findExpressions } from './jsonata';

describe('JSONata in JSON strings', () => {
  it('finds the {% … %} strings only', () => {
    const text = '{"Arguments": {"a": "{% $states.input.x %}", "b": "plain {% not %}", "c": " {%1%} "}}';
    const ex = findExpressions(text);
    expect(ex.map((e) => text.slice(e.expr.from, e.expr.to))).toEqual([' $states.input.x ', '1']);
  });

  it('reports brackets that do not match, ignoring those in literals and comments', () => {
    expect(checkJsonata('{"Output": "{% $sum($states.input.items[0]) %}"}')).toEqual([]);
    expect(checkJsonata('{"Output": "{% $f(\')\', \\"]\\") /* ( */ %}"}')).toEqual([]);
    const text = '{"Output": "{% $sum($states.input.items[0) %}"}';
    const p = checkJsonata(text);
    expect(p.map((x) => x.message)).toEqual(['")" does not close "[" (expected "]")', '"(" is never closed in JSONata']);
    expect(text.slice(p[0].from, p[0].to)).toBe(')');
    expect(checkJsonata('{"Output": "{% ($x := 1 %}"}')[0].message).toBe('"(" is never closed in JSONata');
    expect(checkJsonata('{"Output": "{% \'abc %}"}')[0].message).toBe('unterminated string literal in JSONata');
    expect(checkJsonata('{"Output": "{%  %}"}')[0].message).toBe('empty JSONata expression');
  });
});
