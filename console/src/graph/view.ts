// The geometry GraphView draws with, as plain functions (unit-tested in node): the zoom/pan
// transform, edge paths and arrowheads, state shapes, and which edges an execution took.

import type { Box, Graph, Point, StateStatus } from './model';

/** Screen = content × scale + (x, y). */
export interface ViewTransform { scale: number; x: number; y: number }

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 4;

export function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}

/** Room kept free along the viewport's edges (for the toolbar and the legend drawn over it). */
export interface Insets { top: number; bottom: number }

/** The transform that shows all of a content × width/height, centred between the insets, never enlarged past 100%. */
export function fitView(content: { width: number; height: number }, viewport: { width: number; height: number }, insets: Insets = { top: 0, bottom: 0 }): ViewTransform {
  const height = viewport.height - insets.top - insets.bottom;
  if (content.width <= 0 || content.height <= 0 || viewport.width <= 0 || height <= 0) return { scale: 1, x: 0, y: 0 };
  const scale = clampScale(Math.min(1, viewport.width / content.width, height / content.height));
  return { scale, x: (viewport.width - content.width * scale) / 2, y: insets.top + (height - content.height * scale) / 2 };
}

/** Zooms by factor keeping the content point under the screen point `at` where it is. */
export function zoomAt(t: ViewTransform, factor: number, at: Point): ViewTransform {
  const scale = clampScale(t.scale * factor);
  const k = scale / t.scale;
  return { scale, x: at.x - (at.x - t.x) * k, y: at.y - (at.y - t.y) * k };
}

/** The transform that puts content point p at the centre of the viewport. */
export function centreOn(t: ViewTransform, p: Point, viewport: { width: number; height: number }): ViewTransform {
  return { scale: t.scale, x: viewport.width / 2 - p.x * t.scale, y: viewport.height / 2 - p.y * t.scale };
}

/** The part of the content the viewport shows, in content coordinates (the minimap's frame). */
export function visibleBox(t: ViewTransform, viewport: { width: number; height: number }): Box {
  return { x: -t.x / t.scale, y: -t.y / t.scale, width: viewport.width / t.scale, height: viewport.height / t.scale };
}

const f = (v: number) => String(Math.round(v * 10) / 10);

/** An edge through dagre's points, its corners rounded by quadratic curves through the midpoints. */
export function edgePath(points: Point[]): string {
  if (points.length === 0) return '';
  let d = `M${f(points[0].x)},${f(points[0].y)}`;
  if (points.length === 2) return `${d}L${f(points[1].x)},${f(points[1].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const n = points[i + 1];
    const end = i === points.length - 2 ? n : { x: (p.x + n.x) / 2, y: (p.y + n.y) / 2 };
    d += `Q${f(p.x)},${f(p.y)} ${f(end.x)},${f(end.y)}`;
  }
  return d;
}

/** A filled arrowhead at the last point, pointing along the last segment. */
export function arrowHead(points: Point[], size = 8): string {
  if (points.length < 2) return '';
  const tip = points[points.length - 1];
  let from = points[points.length - 2];
  for (let i = points.length - 2; i >= 0 && from.x === tip.x && from.y === tip.y; i--) from = points[i];
  const len = Math.hypot(tip.x - from.x, tip.y - from.y) || 1;
  const ux = (tip.x - from.x) / len;
  const uy = (tip.y - from.y) / len;
  const bx = tip.x - ux * size;
  const by = tip.y - uy * size;
  const w = size * 0.5;
  return `M${f(tip.x)},${f(tip.y)}L${f(bx - uy * w)},${f(by + ux * w)}L${f(bx + uy * w)},${f(by - ux * w)}Z`;
}

/** Where an edge's drop indicator goes: its label position, else the middle of its points. */
export function edgeMiddle(points: Point[], label?: Point): Point {
  if (label) return label;
  if (!points.length) return { x: 0, y: 0 };
  let total = 0;
  for (let i = 1; i < points.length; i++) total += Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
  let half = total / 2;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const seg = Math.hypot(b.x - a.x, b.y - a.y);
    if (seg >= half && seg > 0) return { x: a.x + ((b.x - a.x) * half) / seg, y: a.y + ((b.y - a.y) * half) / seg };
    half -= seg;
  }
  return points[0];
}

/** The Choice state's outline: a box with pointed left and right ends. */
export function choicePath(b: Box): string {
  const k = Math.min(16, b.height / 2);
  const mid = b.y + b.height / 2;
  return `M${f(b.x + k)},${f(b.y)}H${f(b.x + b.width - k)}L${f(b.x + b.width)},${f(mid)}L${f(b.x + b.width - k)},${f(b.y + b.height)}H${f(b.x + k)}L${f(b.x)},${f(mid)}Z`;
}

export const statusLabels: Record<StateStatus, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  caught: 'Caught error',
  retried: 'Retried',
  running: 'In progress',
  notreached: 'Not reached',
};

/** A node's status for drawing: given, else 'notreached' when an execution is shown, else 'none'. */
export function nodeStatus(id: string, status: Record<string, StateStatus> | undefined): StateStatus | 'none' {
  if (!status) return 'none';
  return status[id] ?? 'notreached';
}

/**
 * The edges an execution took, judged from the states' statuses: both ends were reached, and a
 * Catch edge only out of a state whose error was caught (a caught state took no other edge). The
 * start marker counts as reached when the first state was; the end marker is reached from a state
 * that finished (succeeded, or succeeded after retries) and from a Fail state that ran.
 */
export function takenEdges(g: Graph, status: Record<string, StateStatus> | undefined): Set<string> {
  const taken = new Set<string>();
  if (!status) return taken;
  const reached = (id: string) => {
    const s = status[id];
    return s !== undefined && s !== 'notreached';
  };
  const kind = new Map(g.nodes.map((n) => [n.id, n.kind]));
  for (const e of g.edges) {
    const from = e.kind === 'start' ? reached(e.to) : reached(e.from);
    const s = status[e.from];
    const to = e.kind === 'end' ? s === 'succeeded' || s === 'retried' || (kind.get(e.from) === 'Fail' && reached(e.from)) : reached(e.to);
    if (!from || !to) continue;
    const caught = status[e.from] === 'caught';
    if (e.kind === 'catch' ? caught : !caught || e.kind === 'start') taken.add(e.id);
  }
  return taken;
}

/** A point on the minimap (client coordinates) as a content point; the minimap shows the whole
 *  content × width/height scaled to fit its box (preserveAspectRatio "xMidYMid meet"). */
export function minimapToContent(client: Point, box: Box, content: { width: number; height: number }): Point {
  const s = Math.min(box.width / content.width, box.height / content.height) || 1;
  const ox = (box.width - content.width * s) / 2;
  const oy = (box.height - content.height * s) / 2;
  return { x: (client.x - box.x - ox) / s, y: (client.y - box.y - oy) / s };
}

/**
 * Statuses by node id from statuses by state name (an execution's history names states, not
 * pointers). ASL state names are unique in the whole machine, nested ones included; should a
 * half-valid definition repeat one, every state of that name gets the status.
 */
export function statusByNodeId(g: Graph, byName: Record<string, StateStatus>): Record<string, StateStatus> {
  const out: Record<string, StateStatus> = {};
  for (const n of g.nodes) {
    if (n.kind === 'Start' || n.kind === 'End' || n.missing) continue;
    if (Object.prototype.hasOwnProperty.call(byName, n.name)) out[n.id] = byName[n.name];
  }
  return out;
}
