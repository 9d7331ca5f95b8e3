import { describe, expect, test } from 'vitest';
import { buildGraph } from './build';
import { pngScale } from './export';
import { iconPaths } from './icons';
import { edgeLabelSize, edgeLabelText, iconOf, integration, nodeSize, subtitle, truncate, NODE_MAX_WIDTH, NODE_MIN_WIDTH } from './metrics';
import type { GraphNode } from './model';
import {
  arrowHead, centreOn, choicePath, edgeMiddle, edgePath, fitView, minimapToContent, nodeStatus, statusByNodeId, takenEdges, visibleBox, zoomAt,
  MAX_SCALE, MIN_SCALE,
} from './view';

describe('view transform', () => {
  test('fit shows all of the content, centred, never above 100%', () => {
    const t = fitView({ width: 1000, height: 500 }, { width: 500, height: 500 });
    expect(t.scale).toBe(0.5);
    expect(t).toEqual({ scale: 0.5, x: 0, y: 125 });
    expect(fitView({ width: 100, height: 100 }, { width: 500, height: 300 })).toEqual({ scale: 1, x: 200, y: 100 });
    expect(fitView({ width: 100, height: 100 }, { width: 0, height: 0 })).toEqual({ scale: 1, x: 0, y: 0 });
    expect(fitView({ width: 1e7, height: 1e7 }, { width: 100, height: 100 }).scale).toBe(MIN_SCALE);
    // The toolbar's and the legend's room is kept free.
    expect(fitView({ width: 100, height: 400 }, { width: 500, height: 500 }, { top: 40, bottom: 60 })).toEqual({ scale: 1, x: 200, y: 40 });
  });

  test('zoom keeps the point under the cursor in place and stays within bounds', () => {
    const t = { scale: 1, x: 10, y: 20 };
    const at = { x: 110, y: 220 };
    const z = zoomAt(t, 2, at);
    const content = { x: (at.x - t.x) / t.scale, y: (at.y - t.y) / t.scale };
    expect(content.x * z.scale + z.x).toBeCloseTo(at.x);
    expect(content.y * z.scale + z.y).toBeCloseTo(at.y);
    expect(zoomAt(t, 1000, at).scale).toBe(MAX_SCALE);
    expect(zoomAt(t, 0, at).scale).toBe(MIN_SCALE);
  });

  test('centre, visible box and minimap coordinates agree', () => {
    const vp = { width: 400, height: 300 };
    const t = centreOn({ scale: 2, x: 0, y: 0 }, { x: 50, y: 60 }, vp);
    const v = visibleBox(t, vp);
    expect(v.x + v.width / 2).toBeCloseTo(50);
    expect(v.y + v.height / 2).toBeCloseTo(60);
    expect(v.width).toBe(200);
    // A 200×100 content in a 100×100 minimap is drawn at half size, 25 px from the top.
    expect(minimapToContent({ x: 60, y: 35 }, { x: 10, y: 10, width: 100, height: 100 }, { width: 200, height: 100 })).toEqual({ x: 100, y: 0 });
  });
});

describe('edge geometry', () => {
  test('a path through every point, corners rounded', () => {
    expect(edgePath([{ x: 0, y: 0 }, { x: 0, y: 10 }])).toBe('M0,0L0,10');
    expect(edgePath([{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 10, y: 10 }])).toBe('M0,0Q0,10 10,10');
    expect(edgePath([{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 10, y: 10 }, { x: 10, y: 20 }])).toBe('M0,0Q0,10 5,10Q10,10 10,20');
    expect(edgePath([])).toBe('');
  });

  test('the arrowhead points along the last segment with its tip on the last point', () => {
    expect(arrowHead([{ x: 0, y: 0 }, { x: 0, y: 20 }], 8)).toBe('M0,20L-4,12L4,12Z');
    expect(arrowHead([{ x: 0, y: 0 }, { x: 20, y: 0 }], 8)).toBe('M20,0L12,4L12,-4Z');
    // repeated last points do not make a degenerate arrow
    expect(arrowHead([{ x: 0, y: 0 }, { x: 0, y: 20 }, { x: 0, y: 20 }], 8)).toBe('M0,20L-4,12L4,12Z');
    expect(arrowHead([{ x: 1, y: 1 }])).toBe('');
  });

  test('the drop indicator sits on the label, else halfway along the edge', () => {
    expect(edgeMiddle([{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 30, y: 10 }])).toEqual({ x: 10, y: 10 });
    expect(edgeMiddle([{ x: 0, y: 0 }, { x: 0, y: 10 }], { x: 5, y: 5 })).toEqual({ x: 5, y: 5 });
  });

  test('Choice outline has pointed ends inside its box', () => {
    expect(choicePath({ x: 0, y: 0, width: 100, height: 40 })).toBe('M16,0H84L100,20L84,40H16L0,20Z');
  });
});

describe('state looks', () => {
  const node = (p: Partial<GraphNode>): GraphNode => ({ id: '/States/X', kind: 'Task', name: 'X', parent: null, ...p });

  test('Task integrations get their icon and subtitle', () => {
    expect(integration('arn:aws:states:::lambda:invoke')).toEqual({ icon: 'lambda', label: 'Lambda: invoke' });
    expect(integration('arn:aws:lambda:us-east-1:123:function:fulfil-order')).toEqual({ icon: 'lambda', label: 'Lambda: fulfil-order' });
    expect(integration('arn:aws:states:::http:invoke').icon).toBe('http');
    expect(integration('arn:aws:states:::sns:publish').icon).toBe('sns');
    expect(integration('arn:aws:states:::sqs:sendMessage.waitForTaskToken')).toEqual({ icon: 'sqs', label: 'SQS: sendMessage' });
    expect(integration('arn:aws:states:::events:putEvents').icon).toBe('events');
    expect(integration('arn:aws:states:::aws-sdk:s3:getObject')).toEqual({ icon: 'sdk', label: 'SDK: s3:getObject' });
    expect(integration('arn:aws:states:::dynamodb:putItem')).toEqual({ icon: 'task', label: 'dynamodb: putItem' });
    expect(integration(undefined)).toEqual({ icon: 'task', label: 'Task' });
  });

  test('every state type has an icon and a subtitle', () => {
    for (const kind of ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map', 'Unknown'] as const) {
      expect(iconPaths[iconOf(node({ kind }))], kind).toMatch(/^M/);
      expect(subtitle(node({ kind })), kind).not.toBe('');
    }
    expect(subtitle(node({ kind: 'Unknown', missing: true }))).toBe('Missing state');
  });

  test('boxes grow with the name within bounds; long names and labels are cut', () => {
    expect(nodeSize(node({ name: 'A' })).width).toBe(NODE_MIN_WIDTH);
    expect(nodeSize(node({ name: 'A'.repeat(200) })).width).toBeLessThanOrEqual(NODE_MAX_WIDTH);
    expect(nodeSize(node({ kind: 'Start', name: '' }))).toEqual({ width: 64, height: 28 });
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(edgeLabelText('$.a == 1 and\n $.b == 2')).toBe('$.a == 1 and $.b == 2');
    expect(Array.from(edgeLabelText('x'.repeat(100))).length).toBe(34);
    expect(edgeLabelSize('x'.repeat(100)).width).toBeLessThan(250);
  });

  test('PNG export stays within canvas limits', () => {
    expect(pngScale(800, 600)).toBe(2);
    expect(pngScale(1000, 20000) * 20000).toBeLessThanOrEqual(16000);
    expect(pngScale(12000, 12000) ** 2 * 12000 * 12000).toBeLessThanOrEqual(100_000_001);
  });
});

describe('execution status', () => {
  const g = buildGraph({
    StartAt: 'Pay',
    States: {
      Pay: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Catch: [{ ErrorEquals: ['Declined'], Next: 'Refund' }], Next: 'Ship' },
      Ship: { Type: 'Succeed' },
      Refund: { Type: 'Pass', Next: 'Failed' },
      Failed: { Type: 'Fail' },
    },
  });

  test('states not in the status map are not reached; without a map there is no status', () => {
    expect(nodeStatus('/States/Ship', { '/States/Pay': 'caught' })).toBe('notreached');
    expect(nodeStatus('/States/Pay', { '/States/Pay': 'caught' })).toBe('caught');
    expect(nodeStatus('/States/Pay', undefined)).toBe('none');
  });

  test('a caught error takes the Catch edge, not Next', () => {
    const taken = takenEdges(g, { '/States/Pay': 'caught', '/States/Refund': 'succeeded', '/States/Failed': 'failed' });
    expect([...taken].sort()).toEqual(['/@start>start', '/States/Failed>end', '/States/Pay>catch:0', '/States/Refund>next']);
  });

  test('a success takes Next to the end', () => {
    const taken = takenEdges(g, { '/States/Pay': 'retried', '/States/Ship': 'succeeded' });
    expect([...taken].sort()).toEqual(['/@start>start', '/States/Pay>next', '/States/Ship>end']);
    expect(takenEdges(g, undefined).size).toBe(0);
  });

  test('statuses by state name become statuses by node id, nested states included', () => {
    const nested = buildGraph({ StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'In', States: { In: { Type: 'Pass', End: true } } }] } } });
    expect(statusByNodeId(nested, { P: 'succeeded', In: 'failed', Other: 'running' })).toEqual({
      '/States/P': 'succeeded',
      '/States/P/Branches/0/States/In': 'failed',
    });
  });
});
