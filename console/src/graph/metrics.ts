// Sizes and texts shared by the layout and the drawing, so the boxes dagre places are the boxes
// GraphView draws. Text width is estimated from the character count (no DOM measuring): layout
// stays deterministic and runs in node (tests) exactly as in the browser.

import type { GraphNode } from './model';

export const NODE_HEIGHT = 46;
export const NODE_MIN_WIDTH = 150;
export const NODE_MAX_WIDTH = 260;
export const MARKER_WIDTH = 64;
export const MARKER_HEIGHT = 28;
/** Containers (Parallel, Map): a header with the state's name, then the groups side by side. */
export const CONTAINER_HEADER = 40;
export const CONTAINER_PAD = 14;
export const GROUP_GAP = 20;
export const GROUP_PAD = 12;
/** Average glyph widths of the name (13px, semibold) and small (11px) fonts in graph.css, on the wide side. */
export const NAME_CHAR = 8;
export const SMALL_CHAR = 6.2;
export const LABEL_MAX_CHARS = 34;
export const NAME_MAX_CHARS = 28;
export const LABEL_HEIGHT = 20;

/** text, cut to max characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The edge label as drawn (the full text goes into a <title>). */
export function edgeLabelText(label: string): string {
  return truncate(label.replace(/\s+/g, ' '), LABEL_MAX_CHARS);
}

export function edgeLabelSize(label: string): { width: number; height: number } {
  return { width: Math.ceil(Array.from(edgeLabelText(label)).length * SMALL_CHAR + 12), height: LABEL_HEIGHT };
}

/** The second line of a state's box: the integration a Task calls, or the state type. */
export function subtitle(node: GraphNode): string {
  if (node.missing) return 'Missing state';
  if (node.kind === 'Unknown') return 'No type';
  if (node.kind !== 'Task') return node.kind === 'Map' ? 'Map' : node.kind;
  return integration(node.resource).label;
}

export type IconName =
  | 'task' | 'lambda' | 'http' | 'sns' | 'sqs' | 'events' | 'states' | 'sdk'
  | 'pass' | 'choice' | 'wait' | 'succeed' | 'fail' | 'parallel' | 'map' | 'unknown';

/** What a Task's Resource calls, for its icon and subtitle. */
export function integration(resource: string | undefined): { icon: IconName; label: string } {
  const r = resource ?? '';
  if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(r)) return { icon: 'lambda', label: `Lambda: ${r.split(':')[6] ?? ''}` };
  const m = /^arn:[^:]+:states:::([^:.]+)(?::([^.]+))?/.exec(r);
  if (!m) return { icon: 'task', label: r ? truncate(r, NAME_MAX_CHARS) : 'Task' };
  const [, service, action = ''] = m;
  const act = action ? `: ${action}` : '';
  switch (service) {
    case 'lambda': return { icon: 'lambda', label: `Lambda${act}` };
    case 'http': return { icon: 'http', label: `HTTP${act}` };
    case 'sns': return { icon: 'sns', label: `SNS${act}` };
    case 'sqs': return { icon: 'sqs', label: `SQS${act}` };
    case 'events': return { icon: 'events', label: `EventBridge${act}` };
    case 'states': return { icon: 'states', label: `Step Functions${act}` };
    case 'aws-sdk': return { icon: 'sdk', label: truncate(`SDK: ${action}`, NAME_MAX_CHARS) };
    default: return { icon: 'task', label: truncate(`${service}${act}`, NAME_MAX_CHARS) };
  }
}

export function iconOf(node: GraphNode): IconName {
  switch (node.kind) {
    case 'Task': return integration(node.resource).icon;
    case 'Pass': return 'pass';
    case 'Choice': return 'choice';
    case 'Wait': return 'wait';
    case 'Succeed': return 'succeed';
    case 'Fail': return 'fail';
    case 'Parallel': return 'parallel';
    case 'Map': return 'map';
    default: return 'unknown';
  }
}

/** Size of a state's (or marker's) own box; containers are sized by the layout from their groups. */
export function nodeSize(node: GraphNode): { width: number; height: number } {
  if (node.kind === 'Start' || node.kind === 'End') return { width: MARKER_WIDTH, height: MARKER_HEIGHT };
  const name = Array.from(truncate(node.name, NAME_MAX_CHARS)).length * NAME_CHAR;
  const sub = Array.from(subtitle(node)).length * SMALL_CHAR;
  // icon (16) + paddings (12 + 10 + 12) + room for the retry/diagnostic badges (24)
  let width = Math.max(name, sub) + 74;
  if (node.kind === 'Choice') width += 16; // the pointed ends
  return { width: Math.round(Math.min(NODE_MAX_WIDTH, Math.max(NODE_MIN_WIDTH, width))), height: NODE_HEIGHT };
}

export function isContainer(node: GraphNode): boolean {
  return node.kind === 'Parallel' || node.kind === 'Map';
}
