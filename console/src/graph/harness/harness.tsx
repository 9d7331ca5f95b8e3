// Mounts GraphView with what the browser test asks for and records its callbacks.
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { buildGraph } from '../build';
import { DROP_TYPE, exportPng, exportSvg, GraphView } from '../GraphView';
import { layoutGraph } from '../layout';
import type { StateStatus } from '../model';

export interface MountOptions {
  definition: unknown;
  status?: Record<string, StateStatus>;
  diagnostics?: Record<string, string[]>;
  droppable?: boolean;
}

const events: unknown[] = [];
let select: (id: string | null) => void = () => {};

function Harness(o: MountOptions) {
  const [selected, setSelected] = useState<string | null>(null);
  select = setSelected;
  const graph = useMemo(() => buildGraph(o.definition), [o.definition]);
  const layout = useMemo(() => layoutGraph(graph), [graph]);
  return (
    <GraphView
      graph={graph}
      layout={layout}
      status={o.status}
      diagnostics={o.diagnostics}
      selected={selected}
      onSelect={(id) => { events.push(['select', id]); setSelected(id); }}
      onDrop={o.droppable ? (target, data) => events.push(['drop', target, data]) : undefined}
    />
  );
}

const svg = () => document.querySelector<SVGSVGElement>('[data-testid="graph"]')!;
const host = document.getElementById('host')!;

Object.assign(window, {
  sj: {
    events,
    mount(o: MountOptions) {
      render(null, host);
      events.length = 0;
      render(<Harness {...o} />, host);
    },
    select: (id: string | null) => select(id),
    exportSvg: () => exportSvg(svg()),
    async exportPng() {
      const b = await exportPng(svg());
      return { type: b.type, size: b.size, head: Array.from(new Uint8Array(await b.slice(0, 8).arrayBuffer())) };
    },
  },
});
// A palette item as the designer's: dragging it carries a state under DROP_TYPE.
document.getElementById('palette')!.addEventListener('dragstart', (e) => e.dataTransfer!.setData(DROP_TYPE, '{"Type":"Pass"}'));
document.body.setAttribute('data-ready', 'true');
