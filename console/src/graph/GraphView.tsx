// The graph of a state machine drawn in SVG, as the AWS console draws it: a shape and an icon per
// state type, containers for Parallel and Map, start and end markers, arrowheads, dashed Catch
// edges and rule labels. Zoom (wheel, buttons, + and - keys), pan (drag), fit, a minimap, export
// to SVG and PNG, execution status colouring with a legend, selection, diagnostics badges and drop
// targets for the designer's palette. Looks: graph.css (light and dark through custom properties).
//
// The markup is a contract for the e2e tests: the root <svg> has data-testid="graph", every node
// data-node-id, data-state-name, data-status and data-kind, every edge data-edge-id,
// data-edge-kind, data-from and data-to.

import { Component, h } from 'preact';
import type { FunctionComponent, SVGAttributes } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { download, exportPng, exportSvg } from './export';
import { iconPaths, retryPath } from './icons';
import { edgeLabelSize, edgeLabelText, iconOf, isContainer, subtitle, truncate, CONTAINER_HEADER, NAME_MAX_CHARS } from './metrics';
import type { Box, Graph, GraphEdge, GraphNode, Layout, StateStatus } from './model';
import {
  arrowHead, centreOn, choicePath, edgeMiddle, edgePath, fitView, minimapToContent, nodeStatus, statusLabels,
  takenEdges, visibleBox, zoomAt, type ViewTransform,
} from './view';
import './graph.css';

export { exportPng, exportSvg } from './export';

/** The HTML5 drag-and-drop type the designer's palette puts its payload under. */
export const DROP_TYPE = 'application/x-stepjet-state';

export type DropTarget = { edge: string } | { node: string };

export interface GraphViewProps {
  graph: Graph;
  layout: Layout;
  /** What happened to each state in an execution (by node id); states absent are 'notreached'. */
  status?: Record<string, StateStatus>;
  selected?: string | null;
  onSelect?: (id: string | null) => void;
  /** A palette item dropped on an edge (insert there) or a node (a marker: the first state of its
   *  level, e.g. an empty Parallel branch); data is the DROP_TYPE payload. Without it nothing is a drop target. */
  onDrop?: (target: DropTarget, data: string) => void;
  /** Validation messages by node id, shown as a badge on the state. */
  diagnostics?: Record<string, string[]>;
  class?: string;
  /** File name (without extension) of exported SVG and PNG files. */
  exportName?: string;
}

export function GraphView(props: GraphViewProps) {
  const { graph, layout, status, selected = null, onSelect, onDrop, diagnostics } = props;
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [view, setView] = useState<ViewTransform>({ scale: 1, x: 0, y: 0 });
  const [drop, setDrop] = useState<DropTarget | null>(null);
  // Until the user zooms or pans, the view follows the graph: it is fitted again as it grows.
  const touched = useRef(false);
  const pan = useRef<{ id: number; x: number; y: number; view: ViewTransform; moved: boolean; node: string | null } | null>(null);

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keep the toolbar (top) and the legend (bottom, with a status) clear of the fitted graph.
  const insets = { top: 44, bottom: status ? 48 : 8 };
  useEffect(() => {
    if (!touched.current) setView(fitView(layout, size, insets));
  }, [layout.width, layout.height, size.width, size.height, !!status]);

  // Updates go through the previous value: several wheel events can arrive before a render.
  const change = (next: (v: ViewTransform) => ViewTransform) => {
    touched.current = true;
    setView(next);
  };
  const zoomBy = (factor: number) => change((v) => zoomAt(v, factor, { x: size.width / 2, y: size.height / 2 }));
  const fit = () => {
    touched.current = false;
    setView(fitView(layout, size, insets));
  };

  // A state selected from outside (the execution table, the inspector) is brought into view.
  useEffect(() => {
    const b = selected ? layout.nodes[selected] : undefined;
    if (!b || !size.width) return;
    const shown = visibleBox(view, size);
    const inside = b.x >= shown.x && b.y >= shown.y && b.x + b.width <= shown.x + shown.width && b.y + b.height <= shown.y + shown.height;
    if (!inside) change((v) => centreOn(v, { x: b.x + b.width / 2, y: b.y + b.height / 2 }, size));
  }, [selected]);

  const local = (e: { clientX: number; clientY: number }) => {
    const r = svgRef.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    const at = local(e);
    const factor = Math.exp(-e.deltaY * unit * 0.0015);
    change((v) => zoomAt(v, factor, at));
  };

  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    const node = (e.target as Element).closest?.('[data-node-id]')?.getAttribute('data-node-id') ?? null;
    pan.current = { id: e.pointerId, x: e.clientX, y: e.clientY, view, moved: false, node };
  };
  const onPointerMove = (e: PointerEvent) => {
    const p = pan.current;
    if (!p || p.id !== e.pointerId) return;
    const dx = e.clientX - p.x;
    const dy = e.clientY - p.y;
    if (!p.moved && Math.hypot(dx, dy) < 4) return;
    if (!p.moved) svgRef.current?.setPointerCapture(e.pointerId);
    p.moved = true;
    change(() => ({ scale: p.view.scale, x: p.view.x + dx, y: p.view.y + dy }));
  };
  const onPointerUp = (e: PointerEvent) => {
    const p = pan.current;
    if (!p || p.id !== e.pointerId) return;
    pan.current = null;
    if (p.moved) svgRef.current?.releasePointerCapture(e.pointerId);
    else onSelect?.(p.node && !isMarker(p.node) ? p.node : null);
  };

  const targetOf = (e: DragEvent): DropTarget | null => {
    const el = e.target as Element;
    const edge = el.closest?.('[data-edge-id]')?.getAttribute('data-edge-id');
    if (edge) return { edge };
    const node = el.closest?.('[data-node-id]')?.getAttribute('data-node-id');
    return node ? { node } : null;
  };
  const dragging = (e: DragEvent) => !!onDrop && !!e.dataTransfer && Array.from(e.dataTransfer.types).includes(DROP_TYPE);
  const onDragOver = (e: DragEvent) => {
    if (!dragging(e)) return;
    const t = targetOf(e);
    if (t) {
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
    }
    if (key(t) !== key(drop)) setDrop(t);
  };
  const onDragLeave = (e: DragEvent) => {
    const to = e.relatedTarget as Node | null;
    if (!to || !svgRef.current?.contains(to)) setDrop(null);
  };
  const onDropEvent = (e: DragEvent) => {
    if (!dragging(e)) return;
    const t = targetOf(e);
    setDrop(null);
    if (!t) return;
    e.preventDefault();
    onDrop!(t, e.dataTransfer!.getData(DROP_TYPE));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target !== wrapRef.current && e.target !== svgRef.current) return;
    if (e.key === '+' || e.key === '=') zoomBy(1.25);
    else if (e.key === '-') zoomBy(0.8);
    else if (e.key === '0') fit();
    else if (e.key === 'Escape') onSelect?.(null);
    else return;
    e.preventDefault();
  };

  const name = props.exportName || 'state-machine';
  const exportAs = async (kind: 'svg' | 'png') => {
    const svg = svgRef.current;
    if (!svg) return;
    const blob = kind === 'svg' ? new Blob([exportSvg(svg)], { type: 'image/svg+xml' }) : await exportPng(svg);
    download(blob, `${name}.${kind}`);
  };

  const shown = visibleBox(view, size);
  const overflows = shown.x > 0.5 || shown.y > 0.5 || shown.x + shown.width < layout.width - 0.5 || shown.y + shown.height < layout.height - 0.5;

  return (
    <div ref={wrapRef} class={`sj-graph ${props.class ?? ''}`} tabIndex={0} onKeyDown={onKeyDown}>
      <svg
        ref={svgRef}
        data-testid="graph"
        class={`sj-graph-svg${pan.current?.moved ? ' sj-panning' : ''}`}
        data-width={layout.width}
        data-height={layout.height}
        role="group"
        aria-label="State machine graph"
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDropEvent}
      >
        <g data-viewport="" transform={`translate(${view.x} ${view.y}) scale(${view.scale})`}>
          <Drawing graph={graph} layout={layout} status={status} selected={selected} diagnostics={diagnostics} drop={drop} droppable={!!onDrop} onSelect={onSelect} />
        </g>
      </svg>
      <div class="sj-graph-toolbar" role="toolbar" aria-label="Graph view">
        <button type="button" data-testid="graph-zoom-in" title="Zoom in (+)" aria-label="Zoom in" onClick={() => zoomBy(1.25)}>+</button>
        <button type="button" data-testid="graph-zoom-out" title="Zoom out (-)" aria-label="Zoom out" onClick={() => zoomBy(0.8)}>−</button>
        <button type="button" data-testid="graph-fit" title="Fit to view (0)" onClick={fit}>Fit</button>
        <button type="button" data-testid="graph-reset" title="Actual size" onClick={() => change((v) => zoomAt(v, 1 / v.scale, { x: size.width / 2, y: size.height / 2 }))}>100%</button>
        <button type="button" data-testid="graph-export-svg" title="Export as SVG" onClick={() => void exportAs('svg')}>SVG</button>
        <button type="button" data-testid="graph-export-png" title="Export as PNG" onClick={() => void exportAs('png')}>PNG</button>
      </div>
      {overflows && <Minimap graph={graph} layout={layout} status={status} shown={shown} onMove={(p) => change((v) => centreOn(v, p, size))} />}
      {status && <Legend />}
    </div>
  );
}

function isMarker(id: string): boolean {
  return id.endsWith('/@start') || id.endsWith('/@end');
}

function key(t: DropTarget | null): string {
  return t === null ? '' : 'edge' in t ? `e:${t.edge}` : `n:${t.node}`;
}

interface DrawingProps {
  graph: Graph;
  layout: Layout;
  status?: Record<string, StateStatus>;
  selected: string | null;
  diagnostics?: Record<string, string[]>;
  drop: DropTarget | null;
  droppable: boolean;
  onSelect?: (id: string | null) => void;
}

/**
 * memo re-renders fn only when a prop changed (shallowly). Written on core Preact because
 * preact/compat's memo also installs compat's global options, which turn every text input's
 * onChange into an input event across the whole console (the designer's fields then commit on
 * each keystroke).
 */
function memo<P extends object>(fn: FunctionComponent<P>) {
  return class Memo extends Component<P> {
    shouldComponentUpdate(next: P) {
      const prev = this.props as Record<string, unknown>;
      const n = next as Record<string, unknown>;
      for (const k in prev) if (!(k in n)) return true;
      for (const k in n) if (prev[k] !== n[k]) return true;
      return false;
    }
    render(props: P) {
      return h(fn, props);
    }
  };
}

/** The graph itself; memoised so that panning and zooming redraw only the viewport transform. */
const Drawing = memo(function Drawing({ graph, layout, status, selected, diagnostics, drop, droppable, onSelect }: DrawingProps) {
  const taken = useMemo(() => takenEdges(graph, status), [graph, status]);
  const groupsOf = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const g of graph.groups) m.set(g.owner, [...(m.get(g.owner) ?? []), g.id]);
    return m;
  }, [graph]);
  // Containers under everything else, outer ones first (an inner id extends its outer one's).
  const containers = graph.nodes.filter((n) => isContainer(n) && layout.nodes[n.id]).sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : 1));
  const dropNode = drop && 'node' in drop ? drop.node : null;
  const dropEdge = drop && 'edge' in drop ? drop.edge : null;
  const nodeProps = (n: GraphNode) => ({
    node: n,
    box: layout.nodes[n.id],
    status: nodeStatus(n.id, status),
    selected: selected === n.id,
    dropping: dropNode === n.id,
    diagnostics: diagnostics?.[n.id],
    onSelect,
  });
  return (
    <g class="sj-drawing">
      {containers.map((n) => (
        <Container key={n.id} {...nodeProps(n)} groups={(groupsOf.get(n.id) ?? []).map((id) => [id, layout.groups[id]] as const).filter(([, b]) => b)} />
      ))}
      <g class="sj-edges">
        {graph.edges.map((e) => layout.edges[e.id] && (
          <Edge key={e.id} edge={e} route={layout.edges[e.id]} taken={taken.has(e.id)} dropping={dropEdge === e.id} droppable={droppable} executed={!!status} />
        ))}
      </g>
      <g class="sj-nodes">
        {graph.nodes.filter((n) => !isContainer(n) && layout.nodes[n.id]).map((n) => <Node key={n.id} {...nodeProps(n)} />)}
      </g>
    </g>
  );
});

interface NodeProps {
  node: GraphNode;
  box: Box;
  status: StateStatus | 'none';
  selected: boolean;
  dropping: boolean;
  diagnostics?: string[];
  onSelect?: (id: string | null) => void;
}

/** The attributes every node carries: the e2e contract, classes for the looks, keyboard selection. */
function nodeAttrs({ node, status, selected, dropping, diagnostics, onSelect }: NodeProps, extra: string) {
  const marker = node.kind === 'Start' || node.kind === 'End';
  const cls = [
    'sj-node', extra, `sj-kind-${node.kind}`, `sj-status-${status}`, selected && 'sj-selected', dropping && 'sj-drop',
    node.missing && 'sj-missing', diagnostics?.length && 'sj-invalid',
  ].filter(Boolean).join(' ');
  const attrs: SVGAttributes<SVGGElement> & Record<string, unknown> = {
    class: cls,
    'data-node-id': node.id,
    'data-state-name': node.name,
    'data-status': status,
    'data-kind': node.kind,
  };
  if (!marker && onSelect) {
    attrs.tabIndex = 0;
    attrs.role = 'button';
    attrs['aria-label'] = `${node.name}, ${subtitle(node)}${status === 'none' ? '' : `, ${statusLabels[status]}`}`;
    attrs['aria-pressed'] = selected;
    attrs.onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      onSelect(node.id);
    };
  }
  return attrs;
}

function Node(p: NodeProps) {
  const { node, box } = p;
  const { width: w, height: h } = box;
  const marker = node.kind === 'Start' || node.kind === 'End';
  const outline = { x: 0, y: 0, width: w, height: h };
  return (
    <g {...nodeAttrs(p, marker ? 'sj-marker' : 'sj-state')} transform={`translate(${box.x} ${box.y})`}>
      <title>{marker ? node.kind : tooltip(p)}</title>
      {p.dropping && <rect class="sj-drop-ring" data-export="skip" x={-5} y={-5} width={w + 10} height={h + 10} rx={10} />}
      {node.kind === 'Choice'
        ? <path class="sj-shape" d={choicePath(outline)} />
        : <rect class="sj-shape" width={w} height={h} rx={marker ? h / 2 : 6} />}
      {marker ? (
        <text class="sj-marker-text" x={w / 2} y={h / 2}>{node.kind}</text>
      ) : (
        <>
          <Icon x={node.kind === 'Choice' ? 16 : 12} y={h / 2 - 8} node={node} />
          <text class="sj-name" x={node.kind === 'Choice' ? 40 : 36} y={h / 2 - 7}>{truncate(node.name, NAME_MAX_CHARS)}</text>
          <text class="sj-sub" x={node.kind === 'Choice' ? 40 : 36} y={h / 2 + 9}>{subtitle(node)}</text>
          <Badges {...p} />
        </>
      )}
    </g>
  );
}

function Container(p: NodeProps & { groups: (readonly [string, Box])[] }) {
  const { node, box } = p;
  return (
    <g {...nodeAttrs(p, 'sj-container')}>
      <title>{tooltip(p)}</title>
      {p.dropping && <rect class="sj-drop-ring" data-export="skip" x={box.x - 5} y={box.y - 5} width={box.width + 10} height={box.height + 10} rx={12} />}
      {node.kind === 'Map' && <rect class="sj-shape sj-stack" x={box.x + 5} y={box.y + 5} width={box.width} height={box.height} rx={8} />}
      <rect class="sj-shape" x={box.x} y={box.y} width={box.width} height={box.height} rx={8} />
      <path class="sj-header-rule" d={`M${box.x} ${box.y + CONTAINER_HEADER - 6}h${box.width}`} />
      <Icon x={box.x + 12} y={box.y + 9} node={node} />
      <text class="sj-name" x={box.x + 36} y={box.y + 17}>{truncate(node.name, NAME_MAX_CHARS)}</text>
      <g transform={`translate(${box.x} ${box.y})`}><Badges {...p} /></g>
      {p.groups.map(([id, b]) => (
        <rect key={id} class={`sj-group sj-group-${node.kind === 'Map' ? 'processor' : 'branch'}`} data-group-id={id} x={b.x} y={b.y} width={b.width} height={b.height} rx={6} />
      ))}
    </g>
  );
}

function tooltip({ node, status, diagnostics }: NodeProps): string {
  const lines = [`${node.name} — ${subtitle(node)}`];
  if (node.resource) lines.push(node.resource);
  if (node.retry?.length) lines.push(`Retry: ${node.retry.map((r) => r.join(', ') || '(no errors)').join(' · ')}`);
  if (status !== 'none') lines.push(statusLabels[status]);
  for (const d of diagnostics ?? []) lines.push(`⚠ ${d}`);
  return lines.join('\n');
}

/** The Retry and diagnostics badges at a state's top right. */
function Badges({ node, box, diagnostics }: NodeProps) {
  const retries = node.retry?.length ?? 0;
  const problems = diagnostics?.length ?? 0;
  return (
    <>
      {retries > 0 && (
        <g class="sj-retry" transform={`translate(${box.width - 24} ${node.kind === 'Map' || node.kind === 'Parallel' ? 11 : 5})`}>
          <title>{`Retry on: ${node.retry!.map((r) => r.join(', ')).join(' · ')}`}</title>
          <path d={retryPath} />
          {retries > 1 && <text x={14} y={7}>{retries}</text>}
        </g>
      )}
      {problems > 0 && (
        <g class="sj-diagnostic" data-testid="graph-diagnostic" transform={`translate(${box.width} 0)`}>
          <title>{diagnostics!.join('\n')}</title>
          <circle r={9} />
          <text>{problems > 9 ? '9+' : problems}</text>
        </g>
      )}
    </>
  );
}

function Icon({ x, y, node }: { x: number; y: number; node: GraphNode }) {
  return <path class="sj-icon" transform={`translate(${x} ${y})`} d={iconPaths[iconOf(node)]} />;
}

function Edge({ edge, route, taken, dropping, droppable, executed }: {
  edge: GraphEdge; route: Layout['edges'][string]; taken: boolean; dropping: boolean; droppable: boolean; executed: boolean;
}) {
  const d = edgePath(route.points);
  const cls = ['sj-edge', `sj-edge-${edge.kind}`, executed && (taken ? 'sj-taken' : 'sj-not-taken'), dropping && 'sj-drop'].filter(Boolean).join(' ');
  const mid = edgeMiddle(route.points, route.label);
  const label = edge.label ? edgeLabelText(edge.label) : '';
  const size = edge.label ? edgeLabelSize(edge.label) : null;
  return (
    <g class={cls} data-edge-id={edge.id} data-edge-kind={edge.kind} data-from={edge.from} data-to={edge.to}>
      {droppable && <path class="sj-edge-hit" data-export="skip" d={d} />}
      <path class="sj-edge-line" d={d} />
      <path class="sj-edge-arrow" d={arrowHead(route.points)} />
      {route.label && size && (
        <g class="sj-edge-label" transform={`translate(${route.label.x} ${route.label.y})`}>
          <title>{edge.label}</title>
          <rect x={-size.width / 2} y={-size.height / 2} width={size.width} height={size.height} rx={4} />
          <text>{label}</text>
        </g>
      )}
      {dropping && (
        <g class="sj-drop-mark" data-export="skip" data-testid="graph-drop-indicator" transform={`translate(${mid.x} ${mid.y})`}>
          <circle r={11} />
          <path d="M-5 0H5M0 -5V5" />
        </g>
      )}
    </g>
  );
}

function Minimap({ graph, layout, status, shown, onMove }: {
  graph: Graph; layout: Layout; status?: Record<string, StateStatus>; shown: Box; onMove: (p: { x: number; y: number }) => void;
}) {
  const ref = useRef<SVGSVGElement>(null);
  const dragging = useRef<number | null>(null);
  const move = (e: PointerEvent) => {
    const r = ref.current!.getBoundingClientRect();
    onMove(minimapToContent({ x: e.clientX, y: e.clientY }, { x: r.left, y: r.top, width: r.width, height: r.height }, layout));
  };
  return (
    <svg
      ref={ref}
      class="sj-minimap"
      data-testid="graph-minimap"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      preserveAspectRatio="xMidYMid meet"
      aria-hidden="true"
      onPointerDown={(e) => { dragging.current = e.pointerId; ref.current?.setPointerCapture(e.pointerId); move(e); }}
      onPointerMove={(e) => { if (dragging.current === e.pointerId) move(e); }}
      onPointerUp={(e) => { dragging.current = null; ref.current?.releasePointerCapture(e.pointerId); }}
    >
      {graph.nodes.map((n) => {
        const b = layout.nodes[n.id];
        return b && <rect key={n.id} class={`sj-mini-node sj-kind-${n.kind} sj-status-${nodeStatus(n.id, status)}`} x={b.x} y={b.y} width={b.width} height={b.height} rx={4} />;
      })}
      <rect class="sj-mini-view" x={shown.x} y={shown.y} width={shown.width} height={shown.height} />
    </svg>
  );
}

function Legend() {
  return (
    <ul class="sj-legend" data-testid="graph-legend" aria-label="Legend">
      {(Object.keys(statusLabels) as StateStatus[]).map((s) => (
        <li key={s}><span class={`sj-swatch sj-status-${s}`} />{statusLabels[s]}</li>
      ))}
    </ul>
  );
}
