import { describe, expect, it } from 'vitest';
import { aliasCalls, aliasNameProblem, describeRouting, routingOf, routingProblem } from './aliases';

const V = (n: number) => `arn:aws:states:us-east-1:123456789012:stateMachine:orders:${n}`;

describe('alias names', () => {
  it('takes AWS names and refuses the others, saying why', () => {
    for (const ok of ['prod', 'blue-green', 'v1.2', '_', '1a']) expect(aliasNameProblem(ok)).toBeUndefined();
    expect(aliasNameProblem('')).toMatch(/needs a name/);
    expect(aliasNameProblem('12')).toMatch(/version/);
    expect(aliasNameProblem('has space')).toMatch(/only letters/);
    expect(aliasNameProblem('a:b')).toMatch(/only letters/);
    expect(aliasNameProblem('a'.repeat(81))).toMatch(/80/);
  });
});

describe('routing', () => {
  it('is one version at 100, or two different versions whose whole weights add up to 100', () => {
    expect(routingOf(V(1), '', 30)).toEqual([{ stateMachineVersionArn: V(1), weight: 100 }]);
    expect(routingOf(V(2), V(1), 90)).toEqual([{ stateMachineVersionArn: V(2), weight: 90 }, { stateMachineVersionArn: V(1), weight: 10 }]);
    expect(routingProblem(routingOf(V(1), '', 0))).toBeUndefined();
    expect(routingProblem(routingOf(V(2), V(1), 0))).toBeUndefined();
    expect(routingProblem(routingOf('', '', 100))).toMatch(/Pick a version/);
    expect(routingProblem(routingOf(V(1), V(1), 50))).toMatch(/differ/);
    expect(routingProblem(routingOf(V(1), V(2), 101))).toMatch(/0 to 100/);
    expect(routingProblem(routingOf(V(1), V(2), 12.5))).toMatch(/whole/);
    expect(routingProblem(routingOf(V(1), V(2), NaN))).toMatch(/whole/);
    expect(routingProblem([{ stateMachineVersionArn: V(1), weight: 60 }])).toMatch(/add up to 100/);
    expect(routingProblem([])).toMatch(/one version/);
  });
  it('reads as the versions and their shares', () => {
    expect(describeRouting(routingOf(V(3), '', 100))).toBe('version 3');
    expect(describeRouting(routingOf(V(4), V(3), 90))).toBe('version 4 (90%), version 3 (10%)');
  });
});

describe('aliasCalls', () => {
  it('sends the AWS calls the SDKs send, following nextToken', async () => {
    const sent: [string, any][] = [];
    const answers: Record<string, any[]> = {
      ListStateMachineVersions: [{ stateMachineVersions: [{ stateMachineVersionArn: V(2) }], nextToken: 't' }, { stateMachineVersions: [{ stateMachineVersionArn: V(1) }] }],
      ListStateMachineAliases: [{ stateMachineAliases: [{ stateMachineAliasArn: V(0).replace(/0$/, 'prod') }] }],
      DescribeStateMachineAlias: [{ name: 'prod', description: 'live', routingConfiguration: [{ stateMachineVersionArn: V(1), weight: 100 }] }],
    };
    const call = async (op: string, body: any) => { sent.push([op, body]); return answers[op]?.shift() ?? {}; };
    const ops = aliasCalls(call, 'arn:aws:states:us-east-1:123456789012:stateMachine:orders');
    const got = await ops.list();
    expect(got.versions).toEqual([V(2), V(1)]);
    expect(got.aliases).toEqual([{ name: 'prod', arn: V(0).replace(/0$/, 'prod'), description: 'live', routing: [{ stateMachineVersionArn: V(1), weight: 100 }] }]);
    expect(sent.filter(([op]) => op === 'ListStateMachineVersions').map(([, b]) => b.nextToken)).toEqual([undefined, 't']);

    sent.length = 0;
    await ops.put({ name: 'beta', description: '', routing: routingOf(V(2), V(1), 10) });
    await ops.put({ name: 'prod', arn: 'A', description: 'd', routing: routingOf(V(2), '', 100) });
    await ops.remove('A');
    expect(sent).toEqual([
      ['CreateStateMachineAlias', { name: 'beta', routingConfiguration: [{ stateMachineVersionArn: V(2), weight: 10 }, { stateMachineVersionArn: V(1), weight: 90 }] }],
      ['UpdateStateMachineAlias', { stateMachineAliasArn: 'A', description: 'd', routingConfiguration: [{ stateMachineVersionArn: V(2), weight: 100 }] }],
      ['DeleteStateMachineAlias', { stateMachineAliasArn: 'A' }],
    ]);
  });
});
