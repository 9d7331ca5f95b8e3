// "Every state and edge is drawn": a check of a drawn graph against its definition, in plain
// JavaScript with no imports so it runs anywhere — in the page through Playwright
// (`await page.evaluate(drawnProblems, definition)` serialises the function into the browser),
// and in node against any object that answers querySelectorAll like the DOM does.
//
// It reads only the data-* contract of GraphView: nodes carry data-node-id (a JSON pointer:
// "/States/A", "/States/P/Branches/0/States/B", markers "<level>/@start" and "<level>/@end") and
// data-state-name; edges carry data-from, data-to and data-edge-kind.

/**
 * The problems found (an empty list when every state, marker and transition of the definition is
 * drawn). root defaults to the page's graph (`[data-testid="graph"]`).
 * @param {unknown} definition the ASL, as an object or JSON text
 * @param {{ querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }> }} [root]
 * @returns {string[]}
 */
export function drawnProblems(definition, root) {
  const problems = [];
  const doc = root ?? document.querySelector('[data-testid="graph"]');
  if (!doc) return ['no graph ([data-testid="graph"]) on the page'];
  let def = definition;
  if (typeof def === 'string') {
    try {
      def = JSON.parse(def);
    } catch (e) {
      return [`the definition is not JSON: ${e}`];
    }
  }
  const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const nodes = new Map();
  for (const el of Array.from(doc.querySelectorAll('[data-node-id]'))) nodes.set(el.getAttribute('data-node-id'), el);
  const edges = new Set();
  for (const el of Array.from(doc.querySelectorAll('[data-edge-id]'))) {
    edges.add(`${el.getAttribute('data-from')} ${el.getAttribute('data-edge-kind')} ${el.getAttribute('data-to')}`);
  }
  const token = (name) => name.replace(/~/g, '~0').replace(/\//g, '~1');
  const edge = (from, kind, to) => {
    if (!edges.has(`${from} ${kind} ${to}`)) problems.push(`no ${kind} edge ${from} → ${to}`);
  };

  const level = (machine, prefix) => {
    for (const marker of ['@start', '@end']) {
      if (!nodes.has(`${prefix}/${marker}`)) problems.push(`no ${marker.slice(1)} marker ${prefix}/${marker}`);
    }
    if (!isObject(machine) || !isObject(machine.States)) return;
    const id = (name) => `${prefix}/States/${token(name)}`;
    if (typeof machine.StartAt === 'string' && machine.StartAt !== '') edge(`${prefix}/@start`, 'start', id(machine.StartAt));
    for (const [name, state] of Object.entries(machine.States)) {
      const el = nodes.get(id(name));
      if (!el) problems.push(`state ${id(name)} is not drawn`);
      else if (el.getAttribute('data-state-name') !== name) problems.push(`state ${id(name)} is drawn as "${el.getAttribute('data-state-name')}"`);
      if (!isObject(state)) continue;
      if (typeof state.Next === 'string') edge(id(name), 'next', id(state.Next));
      if (typeof state.Default === 'string') edge(id(name), 'default', id(state.Default));
      for (const rule of Array.isArray(state.Choices) ? state.Choices : []) {
        if (isObject(rule) && typeof rule.Next === 'string') edge(id(name), 'choice', id(rule.Next));
      }
      for (const c of Array.isArray(state.Catch) ? state.Catch : []) {
        if (isObject(c) && typeof c.Next === 'string') edge(id(name), 'catch', id(c.Next));
      }
      if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') edge(id(name), 'end', `${prefix}/@end`);
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        state.Branches.forEach((b, i) => level(b, `${id(name)}/Branches/${i}`));
      }
      if (state.Type === 'Map') {
        const key = isObject(state.ItemProcessor) || !isObject(state.Iterator) ? 'ItemProcessor' : 'Iterator';
        level(state[key], `${id(name)}/${key}`);
      }
    }
  };
  if (isObject(def)) level(def, '');
  return problems;
}
