// The designer's edits of a definition, in ASL terms, on the lossless tree (json.ts). Each
// returns a new root (copy-on-write) so undo/redo is a list of roots. A "scope" is the object
// holding StartAt and States: the machine itself, a Parallel branch or a Map item processor.
// State names are unique in the whole machine (ASL's rule), so a name finds its state anywhere.

import { fromJS, getIn, insertEntry, member, renameEntry, resolvePointer, setIn, strAt, toPointer, type JNode, type Path } from './json';

export interface StateRef {
  name: string;
  /** Path of the scope object (StartAt + States) and of the state itself. */
  scope: Path;
  path: Path;
}

/** The scopes nested in a state: Parallel branches and the Map item processor (or Iterator). */
export function childScopes(state: JNode | undefined, path: Path): Path[] {
  const out: Path[] = [];
  const branches = member(state, 'Branches');
  if (branches && branches.t === 'arr') branches.items.forEach((_, k) => out.push([...path, 'Branches', k]));
  for (const key of ['ItemProcessor', 'Iterator']) {
    if (member(state, key)?.t === 'obj') out.push([...path, key]);
  }
  return out;
}

/** Every state of the machine, depth first in document order. */
export function allStates(root: JNode, scope: Path = []): StateRef[] {
  const out: StateRef[] = [];
  const states = getIn(root, [...scope, 'States']);
  if (!states || states.t !== 'obj') return out;
  for (const e of states.entries) {
    const path = [...scope, 'States', e.key];
    out.push({ name: e.key, scope, path });
    for (const s of childScopes(e.value, path)) out.push(...allStates(root, s));
  }
  return out;
}

export function findState(root: JNode, name: string): StateRef | undefined {
  return allStates(root).find((s) => s.name === name);
}

/** The state a graph node id (a JSON pointer such as /States/P/Branches/0/States/A) names. */
export function stateAtPointer(root: JNode, ptr: string): StateRef | undefined {
  const path = resolvePointer(root, ptr);
  if (!path || path.length < 2 || path[path.length - 2] !== 'States') return undefined;
  return { name: String(path[path.length - 1]), scope: path.slice(0, -2), path };
}

/** The state a validator location points into (the longest prefix that is a state), for
 *  drawing diagnostics on the graph. */
export function stateOfLocation(root: JNode, location: string): StateRef | undefined {
  const segs = location.split('/');
  for (let n = segs.length; n >= 3; n--) {
    const s = stateAtPointer(root, segs.slice(0, n).join('/'));
    if (s) return s;
  }
  return undefined;
}

/** The scope (the machine, a Parallel branch, a Map processor) a graph group id names. */
export function resolveScope(root: JNode, ptr: string): Path | undefined {
  const path = resolvePointer(root, ptr);
  return path && getIn(root, path)?.t === 'obj' ? path : undefined;
}

export function pointerOf(path: Path): string {
  return toPointer(path);
}

/** `base`, or `base 2`, `base 3`… : the first name no state of the machine has. */
export function uniqueName(root: JNode, base: string): string {
  const taken = new Set(allStates(root).map((s) => s.name));
  const stem = base.replace(/ \d+$/, '') || 'State';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${stem} ${n}`)) return `${stem} ${n}`;
}

export type RefKind = 'start' | 'next' | 'default' | 'choice' | 'catch';

/** A place in a scope that names a state: StartAt, a Next, a Choice's Default or rule, a Catch. */
export interface Ref {
  kind: RefKind;
  /** Path of the string naming the target. */
  at: Path;
  /** Name of the state holding it (undefined for StartAt). */
  from?: string;
  index?: number;
  target: string;
}

/** Every reference to a state within a scope (references never cross scopes in ASL). */
export function refsIn(root: JNode, scope: Path): Ref[] {
  const out: Ref[] = [];
  const start = strAt(root, [...scope, 'StartAt']);
  if (start !== undefined) out.push({ kind: 'start', at: [...scope, 'StartAt'], target: start });
  const states = getIn(root, [...scope, 'States']);
  if (!states || states.t !== 'obj') return out;
  for (const e of states.entries) {
    const p = [...scope, 'States', e.key];
    const next = strAt(e.value, ['Next']);
    if (next !== undefined) out.push({ kind: 'next', at: [...p, 'Next'], from: e.key, target: next });
    const choices = member(e.value, 'Choices');
    if (choices?.t === 'arr') {
      choices.items.forEach((c, k) => {
        const t = strAt(c, ['Next']);
        if (t !== undefined) out.push({ kind: 'choice', at: [...p, 'Choices', k, 'Next'], from: e.key, index: k, target: t });
      });
    }
    const def = strAt(e.value, ['Default']);
    if (def !== undefined) out.push({ kind: 'default', at: [...p, 'Default'], from: e.key, target: def });
    const catches = member(e.value, 'Catch');
    if (catches?.t === 'arr') {
      catches.items.forEach((c, k) => {
        const t = strAt(c, ['Next']);
        if (t !== undefined) out.push({ kind: 'catch', at: [...p, 'Catch', k, 'Next'], from: e.key, index: k, target: t });
      });
    }
  }
  return out;
}

const TERMINAL = new Set(['Succeed', 'Fail']);

export function stateType(state: JNode | undefined): string | undefined {
  return strAt(state, ['Type']);
}

/** Whether a state can be followed (has Next or End), i.e. is not Choice, Succeed or Fail. */
export function chains(state: JNode | undefined): boolean {
  const t = stateType(state);
  return t !== undefined && t !== 'Choice' && !TERMINAL.has(t);
}

/** The single state a state goes on to, when it has one (Next; for a Choice its Default). */
export function successor(state: JNode | undefined): string | undefined {
  return strAt(state, ['Next']) ?? (stateType(state) === 'Choice' ? strAt(state, ['Default']) : undefined);
}

/** Where a new state goes: an edge of the graph (its source's reference, or an End to extend), or
 *  an empty scope (an empty Parallel branch or Map processor). */
export type InsertTarget =
  | { kind: 'start'; scope: Path }
  | { kind: 'next' | 'default' | 'end'; from: string }
  | { kind: 'choice' | 'catch'; from: string; index: number }
  | { kind: 'empty'; scope: Path };

/** A new state's body, given the successor it should go on to (undefined: it ends). Choice
 *  templates need a target: they get one (see insertState). */
export type Template = (next: string | undefined, ctx: { jsonata: boolean; name: (base: string) => string }) => Record<string, unknown>;

/** Insert a new state on an edge: the edge's source now goes to the new state, which goes on to
 *  the edge's old target (or ends, for an End edge). Returns the new root and the name given. */
export function insertState(root: JNode, target: InsertTarget, base: string, template: Template): { root: JNode; name: string } {
  const name = uniqueName(root, base);
  let scope: Path;
  let oldTarget: string | undefined;
  let refAt: Path | undefined;
  let after: string | undefined;
  if (target.kind === 'start' || target.kind === 'empty') {
    scope = target.scope;
    oldTarget = target.kind === 'start' ? strAt(root, [...scope, 'StartAt']) : undefined;
    refAt = [...scope, 'StartAt'];
  } else {
    const from = findState(root, target.from);
    if (!from) throw new Error(`no state named "${target.from}"`);
    scope = from.scope;
    after = from.name;
    switch (target.kind) {
      case 'next': refAt = [...from.path, 'Next']; break;
      case 'default': refAt = [...from.path, 'Default']; break;
      case 'choice': refAt = [...from.path, 'Choices', target.index, 'Next']; break;
      case 'catch': refAt = [...from.path, 'Catch', target.index, 'Next']; break;
      case 'end': refAt = undefined; break;
    }
    if (refAt) {
      oldTarget = strAt(root, refAt);
      if (oldTarget === undefined) throw new Error(`"${target.from}" has no ${target.kind} edge there`);
    } else if (!chains(from && getIn(root, from.path))) {
      throw new Error(`"${target.from}" is a ${stateType(getIn(root, from.path))} state: nothing can follow it`);
    }
  }
  const jsonata = queryLanguage(root, scope) === 'JSONata';
  const names: string[] = [name];
  const fresh = (b: string) => {
    let n = uniqueName(root, b);
    for (let k = 2; names.includes(n); k++) n = uniqueName(root, `${b} ${k}`);
    names.push(n);
    return n;
  };
  let body = template(oldTarget, { jsonata, name: fresh });
  let out = root;
  // A Choice needs somewhere to go; on an End edge it gets a Succeed state to go to.
  if (body.Type === 'Choice' && oldTarget === undefined) {
    const done = fresh('Success');
    body = template(done, { jsonata, name: fresh });
    out = insertEntry(out, [...scope, 'States'], done, fromJS({ Type: 'Succeed' }), after);
  }
  if (!getIn(out, [...scope, 'States'])) out = setIn(out, [...scope, 'States'], fromJS({}));
  out = insertEntry(out, [...scope, 'States'], name, fromJS(body), after);
  if (refAt && getIn(out, refAt) === undefined && refAt[refAt.length - 1] === 'StartAt') {
    out = insertEntry(out, scope, 'StartAt', fromJS(name), null); // where ASL writes it: first
  } else if (refAt) out = setIn(out, refAt, fromJS(name));
  else {
    const from = findState(out, (target as { from: string }).from)!;
    out = setIn(out, [...from.path, 'End'], undefined);
    out = setIn(out, [...from.path, 'Next'], fromJS(name));
  }
  return { root: out, name };
}

/** The query language in force in a scope (or for a state, given its path): the closest
 *  enclosing state's QueryLanguage, else the machine's, else JSONPath. */
export function queryLanguage(root: JNode, scope: Path): 'JSONPath' | 'JSONata' {
  let ql = strAt(root, ['QueryLanguage']) === 'JSONata' ? 'JSONata' : 'JSONPath';
  for (let k = 0; k + 1 < scope.length; k++) {
    if (scope[k] !== 'States') continue;
    const own = strAt(root, [...scope.slice(0, k + 2), 'QueryLanguage']);
    if (own === 'JSONata' || own === 'JSONPath') ql = own;
  }
  return ql as 'JSONPath' | 'JSONata';
}

/** Delete a state. What pointed at it now points at its successor; when it had none (it ended
 *  the path), a Next becomes End, StartAt goes to the next state left, and a Choice rule, a
 *  Default or a Catch that led only there is removed with it. */
export function deleteState(root: JNode, name: string): JNode {
  const ref = findState(root, name);
  if (!ref) return root;
  const state = getIn(root, ref.path);
  const succ = successor(state);
  const endsPath = succ === undefined || succ === name;
  let out = setIn(root, ref.path, undefined);
  // Remove in reverse order so array indexes stay valid.
  const refs = refsIn(out, ref.scope).filter((r) => r.target === name).reverse();
  for (const r of refs) {
    if (!endsPath) { out = setIn(out, r.at, fromJS(succ)); continue; }
    const holder = r.from !== undefined ? [...ref.scope, 'States', r.from] : ref.scope;
    switch (r.kind) {
      case 'next':
        out = setIn(out, [...holder, 'Next'], undefined);
        out = setIn(out, [...holder, 'End'], fromJS(true));
        break;
      case 'start': {
        const states = getIn(out, [...ref.scope, 'States']);
        const first = states?.t === 'obj' ? states.entries[0]?.key : undefined;
        out = first !== undefined ? setIn(out, r.at, fromJS(first)) : setIn(out, r.at, undefined);
        break;
      }
      case 'default': out = setIn(out, r.at, undefined); break;
      case 'choice': case 'catch': out = setIn(out, r.at.slice(0, -1), undefined); break;
    }
  }
  // An emptied Choices or Catch array is dropped rather than left invalid.
  for (const r of refs) {
    if (r.kind !== 'choice' && r.kind !== 'catch') continue;
    const arr = r.at.slice(0, -2);
    const v = getIn(out, arr);
    if (v?.t === 'arr' && v.items.length === 0 && r.kind === 'catch') out = setIn(out, arr, undefined);
  }
  return out;
}

/** Copy a state (with everything nested in it, renamed to stay unique) right after itself:
 *  X → copy → X's old successor. A state that cannot be followed (Choice, Succeed, Fail) is
 *  copied unconnected for the user to wire. */
export function duplicateState(root: JNode, name: string): { root: JNode; name: string } {
  const ref = findState(root, name);
  if (!ref) throw new Error(`no state named "${name}"`);
  const state = getIn(root, ref.path)!;
  const copyName = uniqueName(root, `${name} copy`);
  let body = renameNested(root, state);
  let out = root;
  if (chains(state)) {
    const next = strAt(state, ['Next']);
    body = setIn(body, ['Next'], undefined);
    body = setIn(body, ['End'], undefined);
    body = next !== undefined ? setIn(body, ['Next'], fromJS(next)) : setIn(body, ['End'], fromJS(true));
    out = insertEntry(out, [...ref.scope, 'States'], copyName, body, name);
    out = setIn(out, [...ref.path, 'End'], undefined);
    out = setIn(out, [...ref.path, 'Next'], fromJS(copyName));
  } else {
    out = insertEntry(out, [...ref.scope, 'States'], copyName, body, name);
  }
  return { root: out, name: copyName };
}

/** A copy of a state whose nested states (Parallel branches, Map processor) get fresh names. */
function renameNested(root: JNode, state: JNode): JNode {
  let body = state;
  const taken = new Set(allStates(root).map((s) => s.name));
  const fresh = (n: string) => {
    let k = 2;
    let c = `${n} copy`;
    while (taken.has(c)) c = `${n} copy ${k++}`;
    taken.add(c);
    return c;
  };
  const walk = (scopes: Path[]) => {
    for (const scope of scopes) {
      const states = getIn(body, [...scope, 'States']);
      if (!states || states.t !== 'obj') continue;
      for (const e of states.entries) {
        const nn = fresh(e.key);
        body = renameIn(body, scope, e.key, nn);
      }
      const again = getIn(body, [...scope, 'States']);
      if (again?.t === 'obj') for (const e of again.entries) walk(childScopes(e.value, [...scope, 'States', e.key]));
    }
  };
  walk(childScopes(state, []));
  return body;
}

/** Rename a state within its scope and every reference to it there. */
function renameIn(root: JNode, scope: Path, from: string, to: string): JNode {
  let out = renameEntry(root, [...scope, 'States'], from, to);
  for (const r of refsIn(out, scope)) if (r.target === from) out = setIn(out, r.at, fromJS(to));
  return out;
}

/** Rename a state (and every reference to it). Refuses an empty or taken name. */
export function renameState(root: JNode, from: string, to: string): JNode {
  if (from === to) return root;
  if (!to.trim()) throw new Error('a state needs a name');
  if (to.length > 80) throw new Error('a state name is at most 80 characters');
  if (findState(root, to)) throw new Error(`a state named "${to}" exists already: names are unique in the machine`);
  const ref = findState(root, from);
  if (!ref) throw new Error(`no state named "${from}"`);
  return renameIn(root, ref.scope, from, to);
}

/** Move a state one step down its path: P → X → Y → Z becomes P → Y → X → Z. Both must be
 *  states that chain (Next/End), and Y must be X's only successor. */
export function moveDown(root: JNode, name: string): JNode {
  const x = findState(root, name);
  if (!x) throw new Error(`no state named "${name}"`);
  const xs = getIn(root, x.path);
  const yName = strAt(xs, ['Next']);
  if (!chains(xs) || yName === undefined) throw new Error(`"${name}" is the last state of its path`);
  const y = findState(root, yName);
  const ys = y && getIn(root, y.path);
  if (!y || !chains(ys)) throw new Error(`"${yName}" cannot come before "${name}": it does not go on to a next state`);
  const yNext = strAt(ys, ['Next']);
  let out = root;
  // Whatever led to X now leads to Y.
  for (const r of refsIn(out, x.scope)) if (r.target === name) out = setIn(out, r.at, fromJS(yName));
  // Y → X
  out = setIn(out, [...y.path, 'End'], undefined);
  out = setIn(out, [...y.path, 'Next'], fromJS(name));
  // X → Y's old successor (or end)
  out = setIn(out, [...x.path, 'Next'], undefined);
  out = setIn(out, [...x.path, 'End'], undefined);
  out = yNext !== undefined ? setIn(out, [...x.path, 'Next'], fromJS(yNext)) : setIn(out, [...x.path, 'End'], fromJS(true));
  return out;
}

/** Move a state one step up its path (the inverse of moveDown on its single predecessor). */
export function moveUp(root: JNode, name: string): JNode {
  const x = findState(root, name);
  if (!x) throw new Error(`no state named "${name}"`);
  const preds = refsIn(root, x.scope).filter((r) => r.target === name);
  const p = preds.length === 1 && preds[0].kind === 'next' ? preds[0].from : undefined;
  if (p === undefined) throw new Error(`"${name}" has no single previous state to swap with`);
  return moveDown(root, p);
}

/** The machine's states that nothing reaches (for telling the user what a delete left behind). */
export function unreachable(root: JNode, scope: Path = []): string[] {
  const refs = refsIn(root, scope);
  const states = getIn(root, [...scope, 'States']);
  if (!states || states.t !== 'obj') return [];
  const seen = new Set<string>();
  const byFrom = new Map<string | undefined, string[]>();
  for (const r of refs) byFrom.set(r.from, [...(byFrom.get(r.from) ?? []), r.target]);
  const stack = [...(byFrom.get(undefined) ?? [])];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(byFrom.get(n) ?? []));
  }
  return states.entries.map((e) => e.key).filter((n) => !seen.has(n));
}

