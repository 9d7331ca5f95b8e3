import { describe, expect, it } from 'vitest';
import { deleteState, duplicateState, insertState, moveDown, moveUp, queryLanguage, renameState, stateOfLocation, uniqueName, unreachable } from './asl';
import { History } from './history';
import { formatNode, parseJson, printDoc, toJS, type JNode } from './json';
import { paletteItem } from './palette';

const parse = (v: unknown) => parseJson(JSON.stringify(v, null, 2)).root;
const js = (n: JNode) => toJS(n) as any;
const tpl = (id: string) => paletteItem(id)!.template;

const linear = () => parse({
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Next: 'B' },
    B: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'C', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }] },
    C: { Type: 'Pass', End: true },
    F: { Type: 'Fail', Error: 'E' },
  },
});

describe('insert on an edge', () => {
  it('a Next edge: the source goes to the new state, which goes on to the old target', () => {
    const { root, name } = insertState(linear(), { kind: 'next', from: 'A' }, 'Pass', tpl('Pass'));
    expect(name).toBe('Pass');
    const d = js(root);
    expect(d.States.A.Next).toBe('Pass');
    expect(d.States.Pass).toEqual({ Type: 'Pass', Next: 'B' });
    expect(Object.keys(d.States)).toEqual(['A', 'Pass', 'B', 'C', 'F']); // placed after its source
  });

  it('the start edge, an End edge, a Catch edge and a Choice rule', () => {
    let r = insertState(linear(), { kind: 'start', scope: [] }, 'Wait', tpl('Wait')).root;
    expect(js(r).StartAt).toBe('Wait');
    expect(js(r).States.Wait).toEqual({ Type: 'Wait', Seconds: 1, Next: 'A' });
    r = insertState(r, { kind: 'end', from: 'C' }, 'Pass', tpl('Pass')).root;
    expect(js(r).States.C).toEqual({ Type: 'Pass', Next: 'Pass' });
    expect(js(r).States.Pass).toEqual({ Type: 'Pass', End: true });
    r = insertState(r, { kind: 'catch', from: 'B', index: 0 }, 'Notify', tpl('SnsPublish')).root;
    expect(js(r).States.B.Catch[0].Next).toBe('Notify');
    expect(js(r).States.Notify.Next).toBe('F');
    expect(js(r).States.Notify.Resource).toBe('arn:aws:states:::sns:publish');
    r = insertState(r, { kind: 'next', from: 'A' }, 'Choice', tpl('Choice')).root;
    expect(js(r).States.Choice.Default).toBe('B');
    r = insertState(r, { kind: 'choice', from: 'Choice', index: 0 }, 'Pass', tpl('Pass')).root;
    expect(js(r).States.Choice.Choices[0].Next).toBe('Pass 2');
    expect(js(r).States['Pass 2'].Next).toBe('B');
    expect(unreachable(r)).toEqual([]);
  });

  it('into an empty Parallel branch, with names unique across the whole machine', () => {
    let r = insertState(linear(), { kind: 'next', from: 'A' }, 'Parallel', tpl('Parallel')).root;
    const p = js(r).States.Parallel;
    expect(p.Branches.map((b: any) => b.StartAt)).toEqual(['Branch 1', 'Branch 2']);
    r = insertState(r, { kind: 'empty', scope: ['States', 'Parallel', 'Branches', 1] }, 'A', tpl('Pass')).root;
    // "A" is taken at the top level, so the nested state gets "A 2".
    expect(js(r).States.Parallel.Branches[1].StartAt).toBe('A 2');
    expect(js(r).States.Parallel.Branches[1].States['A 2']).toEqual({ Type: 'Pass', End: true });
  });

  it('a Choice on an End edge gets a Succeed state to go to', () => {
    const r = insertState(linear(), { kind: 'end', from: 'C' }, 'Choice', tpl('Choice')).root;
    expect(js(r).States.Choice.Default).toBe('Success');
    expect(js(r).States.Success).toEqual({ Type: 'Succeed' });
    expect(unreachable(r)).toEqual([]);
  });

  it('uses Arguments in JSONata mode, set for the machine or for the enclosing state', () => {
    const root = parse({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    const r = insertState(root, { kind: 'end', from: 'A' }, 'Invoke', tpl('Task')).root;
    expect(js(r).States.Invoke.Arguments.Payload).toBe('{% $states.input %}');
    expect(js(r).States.Invoke.Parameters).toBeUndefined();
    const mixed = parse({ StartAt: 'M', States: { M: { Type: 'Map', QueryLanguage: 'JSONata', ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }, End: true } } });
    expect(queryLanguage(mixed, [])).toBe('JSONPath');
    expect(queryLanguage(mixed, ['States', 'M', 'ItemProcessor'])).toBe('JSONata');
  });

  it('refuses an edge that is not there and a state nothing can follow', () => {
    expect(() => insertState(linear(), { kind: 'next', from: 'C' }, 'Pass', tpl('Pass'))).toThrow(/no next edge/);
    expect(() => insertState(linear(), { kind: 'end', from: 'F' }, 'Pass', tpl('Pass'))).toThrow(/nothing can follow/);
  });
});

describe('delete re-wires', () => {
  it('what pointed at the state now points at its successor', () => {
    const r = deleteState(linear(), 'B');
    expect(js(r).States.A.Next).toBe('C');
    expect(js(r).States.B).toBeUndefined();
    expect(unreachable(r)).toEqual(['F']); // only B's Catch led there
  });

  it('deleting the start moves StartAt on; deleting the end makes the previous state end', () => {
    let r = deleteState(linear(), 'A');
    expect(js(r).StartAt).toBe('B');
    r = deleteState(r, 'C');
    expect(js(r).States.B.End).toBe(true);
    expect(js(r).States.B.Next).toBeUndefined();
  });

  it('a Catch or Choice rule that led only to a deleted terminal state goes with it', () => {
    let r = deleteState(linear(), 'F');
    expect(js(r).States.B.Catch).toBeUndefined();
    const c = parse({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'X' }, { Variable: '$.b', IsPresent: true, Next: 'Y' }], Default: 'X' }, X: { Type: 'Succeed' }, Y: { Type: 'Fail' } } });
    r = deleteState(c, 'X');
    expect(js(r).States.C).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.b', IsPresent: true, Next: 'Y' }] });
  });
});

describe('duplicate, rename, reorder', () => {
  it('a copy goes right after the original with a unique name, nested states renamed too', () => {
    let r = duplicateState(linear(), 'A');
    expect(r.name).toBe('A copy');
    expect(js(r.root).States.A.Next).toBe('A copy');
    expect(js(r.root).States['A copy']).toEqual({ Type: 'Pass', Next: 'B' });
    r = duplicateState(r.root, 'A');
    expect(r.name).toBe('A copy 2');
    const p = parse({ StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Y' }, Y: { Type: 'Pass', End: true } } }], End: true } } });
    const d = duplicateState(p, 'P');
    const b = js(d.root).States['P copy'].Branches[0];
    expect(b.StartAt).toBe('X copy');
    expect(b.States['X copy'].Next).toBe('Y copy');
    expect(js(d.root).States.P.Next).toBe('P copy');
    expect(js(d.root).States['P copy'].End).toBe(true);
  });

  it('uniqueName counts up', () => {
    expect(uniqueName(linear(), 'Z')).toBe('Z');
    expect(uniqueName(linear(), 'A')).toBe('A 2');
  });

  it('rename follows every reference and refuses a taken name', () => {
    const r = renameState(linear(), 'F', 'Failed');
    expect(js(r).States.B.Catch[0].Next).toBe('Failed');
    expect(Object.keys(js(r).States)).toEqual(['A', 'B', 'C', 'Failed']);
    expect(() => renameState(linear(), 'A', 'B')).toThrow(/exists already/);
  });

  it('move down and up along the path', () => {
    let r = moveDown(linear(), 'A');
    expect(js(r).StartAt).toBe('B');
    expect(js(r).States.B.Next).toBe('A');
    expect(js(r).States.A.Next).toBe('C');
    r = moveUp(r, 'A');
    expect(js(r).StartAt).toBe('A');
    expect(js(r).States.A.Next).toBe('B');
    expect(js(r).States.B.Next).toBe('C');
    r = moveDown(r, 'B');
    expect(js(r).States.C.Next).toBe('B');
    expect(js(r).States.B.End).toBe(true);
    expect(js(r).States.C.End).toBeUndefined();
    expect(() => moveDown(r, 'B')).toThrow(/last state/);
    expect(() => moveUp(r, 'A')).toThrow(/no single previous/);
  });
});

describe('undo and redo', () => {
  it('walk back and forth through edits, and a new edit drops the redo path', () => {
    const doc = parseJson('{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "End": true}\n  }\n}\n');
    const h = new History(doc.root);
    h.push(insertState(h.present, { kind: 'end', from: 'A' }, 'B', tpl('Pass')).root);
    h.push(deleteState(h.present, 'A'));
    expect(js(h.present).StartAt).toBe('B');
    h.undo();
    expect(js(h.present).States.A.Next).toBe('B');
    h.undo();
    expect(h.canUndo).toBe(false);
    expect(printDoc({ ...doc, root: h.present })).toBe(printDoc(doc)); // back to the same bytes
    h.redo();
    expect(js(h.present).States.B).toEqual({ Type: 'Pass', End: true });
    h.push(renameState(h.present, 'B', 'C'));
    expect(h.canRedo).toBe(false);
    expect(formatNode(h.present)).toContain('"C"');
  });
});

describe('diagnostic locations', () => {
  it('name the innermost state they point into', () => {
    const p = parse({ StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'a/b', States: { 'a/b': { Type: 'Pass', Next: 'nope' } } }], End: true } } });
    expect(stateOfLocation(p, '/States/P/Branches/0/States/a~1b/Next')?.name).toBe('a/b');
    expect(stateOfLocation(p, '/States/P/Branches')?.name).toBe('P');
    expect(stateOfLocation(p, '/StartAt')).toBeUndefined();
  });
});
