// Aliases in Config mode: what an alias form may send, checked here as AWS checks it (so the
// form says what is wrong before a call), and the calls themselves — the same AWS API the SDKs
// and `aws stepfunctions … --endpoint-url` use: ListStateMachineVersions,
// ListStateMachineAliases, DescribeStateMachineAlias, CreateStateMachineAlias,
// UpdateStateMachineAlias, DeleteStateMachineAlias.

/** One entry of an alias's routingConfiguration: a version ARN and the share of starts it gets. */
export interface Route {
  stateMachineVersionArn: string;
  weight: number;
}

export interface Alias {
  name: string;
  arn: string;
  description: string;
  routing: Route[];
}

/** What the alias form needs from the server; aliasCalls is the real one. */
export interface AliasOps {
  /** The machine's version ARNs, newest first, and its aliases with their routing. */
  list(): Promise<{ versions: string[]; aliases: Alias[] }>;
  /** Creates the alias, or updates it when arn is set (the name is then the alias's own). */
  put(a: { name: string; arn?: string; description: string; routing: Route[] }): Promise<void>;
  remove(arn: string): Promise<void>;
}

type Call = (operation: string, body: unknown) => Promise<any>;

/** The AWS calls for one machine's aliases; pagination is followed to the end. */
export function aliasCalls(call: Call, machineArn: string): AliasOps {
  async function all(op: string, field: string): Promise<any[]> {
    const out: any[] = [];
    let nextToken: string | undefined;
    do {
      const r = await call(op, { stateMachineArn: machineArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
      out.push(...(r[field] ?? []));
      nextToken = r.nextToken;
    } while (nextToken);
    return out;
  }
  return {
    async list() {
      const [versions, listed] = await Promise.all([
        all('ListStateMachineVersions', 'stateMachineVersions'),
        all('ListStateMachineAliases', 'stateMachineAliases'),
      ]);
      // ListStateMachineAliases names aliases only; their routing is in DescribeStateMachineAlias.
      const aliases = await Promise.all(listed.map(async (a: any): Promise<Alias> => {
        const d = await call('DescribeStateMachineAlias', { stateMachineAliasArn: a.stateMachineAliasArn });
        return { name: d.name ?? aliasName(a.stateMachineAliasArn), arn: a.stateMachineAliasArn, description: d.description ?? '', routing: d.routingConfiguration ?? [] };
      }));
      aliases.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
      return { versions: versions.map((v: any) => v.stateMachineVersionArn as string), aliases };
    },
    async put(a) {
      if (a.arn) {
        await call('UpdateStateMachineAlias', { stateMachineAliasArn: a.arn, description: a.description, routingConfiguration: a.routing });
      } else {
        await call('CreateStateMachineAlias', { name: a.name, ...(a.description ? { description: a.description } : {}), routingConfiguration: a.routing });
      }
    },
    async remove(arn) {
      await call('DeleteStateMachineAlias', { stateMachineAliasArn: arn });
    },
  };
}

/** The version number of a version ARN (…:stateMachine:NAME:3 → "3"). */
export function versionNumber(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** The alias name of an alias ARN (…:stateMachine:NAME:prod → "prod"). */
export function aliasName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** "version 3" or "version 3 (90%), version 4 (10%)". */
export function describeRouting(routing: Route[]): string {
  if (routing.length === 1) return `version ${versionNumber(routing[0].stateMachineVersionArn)}`;
  return routing.map((r) => `version ${versionNumber(r.stateMachineVersionArn)} (${r.weight}%)`).join(', ');
}

/** AWS's alias names: 1–80 of letters, digits, _ - . with at least one that is not a digit
 * (so an alias never reads as a version number). */
export function aliasNameProblem(name: string): string | undefined {
  if (!name) return 'An alias needs a name.';
  if (name.length > 80) return 'An alias name is at most 80 characters.';
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) return 'An alias name may hold only letters, digits, _ - and .';
  if (/^\d+$/.test(name)) return 'An alias name needs a letter or one of _ - . (a number would read as a version).';
  return undefined;
}

/** AWS's routingConfiguration: one or two different versions, whole weights 0–100 adding up to 100. */
export function routingProblem(routing: Route[]): string | undefined {
  if (routing.length < 1 || routing.length > 2) return 'An alias routes to one version, or two with weights.';
  if (routing.some((r) => !r.stateMachineVersionArn)) return 'Pick a version.';
  if (routing.length === 2 && routing[0].stateMachineVersionArn === routing[1].stateMachineVersionArn) return 'The two versions must differ.';
  if (routing.some((r) => !Number.isInteger(r.weight) || r.weight < 0 || r.weight > 100)) return 'A weight is a whole number from 0 to 100.';
  if (routing.reduce((s, r) => s + r.weight, 0) !== 100) return 'The weights must add up to 100.';
  return undefined;
}

/** The routing a form with a version, an optional second version and the first's weight sends. */
export function routingOf(first: string, second: string, firstWeight: number): Route[] {
  if (!second) return [{ stateMachineVersionArn: first, weight: 100 }];
  return [{ stateMachineVersionArn: first, weight: firstWeight }, { stateMachineVersionArn: second, weight: 100 - firstWeight }];
}
