import { describe, expect, it } from 'vitest';
import { operand, OPERATORS } from './ChoiceRules';
import { parseFieldText } from './fields';
import { formatNode } from './json';

describe('inspector values', () => {
  it('a JSON field keeps literals as typed; in JSONata mode a bare {% … %} is that string', () => {
    expect(formatNode(parseFieldText('{"n": 1.50, "a.$": "$.x"}', false))).toBe('{\n  "n": 1.50,\n  "a.$": "$.x"\n}');
    expect(formatNode(parseFieldText('  {% $states.input.a %} ', true))).toBe('"{% $states.input.a %}"');
    expect(() => parseFieldText('{% $x %}', false)).toThrow();
  });

  it('a Choice operand takes the type its operator compares', () => {
    expect(OPERATORS).toContain('TimestampLessThanEqualsPath');
    expect(OPERATORS.length).toBe(3 * 5 * 2 + 3 + 6);
    expect(operand('NumericEquals', ' 10.50 ')).toEqual({ t: 'num', raw: '10.50' });
    expect(operand('StringEquals', '10')).toEqual({ t: 'str', raw: '"10"' });
    expect(operand('NumericEqualsPath', '$.n')).toEqual({ t: 'str', raw: '"$.n"' });
    expect(operand('BooleanEquals', 'false')).toEqual({ t: 'lit', raw: 'false' });
    expect(operand('IsPresent', 'true')).toEqual({ t: 'lit', raw: 'true' });
  });
});
