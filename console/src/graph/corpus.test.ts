// Every definition stepjet ships (../examples) and every one recorded on AWS
// (../shared/conformance: cases/*.json and the definitions sent in api-cases/*.json) is built
// and laid out without throwing, with every state a node and every transition an edge, each
// placed, nested and not overlapping its siblings.

import { describe, expect, test } from 'vitest';
import { buildGraph } from './build';
import { layoutGraph } from './layout';
import { problems } from './testkit';

// Read through Vite's import.meta.glob (no node typings in this project): file path → text.
const examples = import.meta.glob<string>('../../../examples/**/*.asl.json', { query: '?raw', import: 'default', eager: true });
const sharedCases = import.meta.glob<string>('../../../../shared/conformance/cases/*.json', { query: '?raw', import: 'default', eager: true });
const sharedAPICases = import.meta.glob<string>('../../../../shared/conformance/api-cases/*.json', { query: '?raw', import: 'default', eager: true });
// The repository's copy of the recorded cases stands in when ../shared is not there.
const repoCases = import.meta.glob<string>('../../../engine/testdata/conformance/*.json', { query: '?raw', import: 'default', eager: true });

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const sorted = (m: Record<string, string>) => Object.keys(m).sort().map((k) => [k, m[k]] as const);

/** [name, definition] of every definition on disk. */
function definitions(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [f, text] of sorted(examples)) out.push([f.replace(/^(\.\.\/)+/, ''), JSON.parse(text)]);
  let cases = sharedCases;
  if (!Object.keys(cases).length) {
    if ((import.meta.env as Record<string, unknown>).CI === 'true') throw new Error('../shared/conformance is missing: the conformance recordings are required under CI');
    cases = repoCases;
  }
  for (const [f, text] of sorted(cases)) out.push([base(f), JSON.parse(text).definition]);
  for (const [f, text] of sorted(sharedAPICases)) {
    for (const r of JSON.parse(text).requests ?? []) {
      if (typeof r.params?.definition === 'string') out.push([`api-cases/${base(f)}`, r.params.definition]);
    }
  }
  return out;
}

const all = definitions();

describe('every definition on disk', { timeout: 120_000 }, () => {
  test('there are definitions to check', () => {
    expect(all.filter(([n]) => n.startsWith('examples/')).length).toBeGreaterThanOrEqual(3);
    expect(all.length).toBeGreaterThan(400);
  });

  test.each(all)('%s', (_, definition) => {
    const g = buildGraph(definition);
    const l = layoutGraph(g);
    // Definitions sent as text (api-cases) are checked as what they parse to; some are invalid on
    // purpose, or are one state (TestState): those only have to build and lay out.
    let parsed: unknown = definition;
    if (typeof definition === 'string') {
      try { parsed = JSON.parse(definition); } catch { parsed = undefined; }
    }
    expect(problems(parsed, g, l)).toEqual([]);
  });
});
