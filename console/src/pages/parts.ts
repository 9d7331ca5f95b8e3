// The parts the pages take from the other console folders, in one place.
export { buildGraph } from '../graph/build';
export { layoutGraph } from '../graph/layout';
export { GraphView } from '../graph/GraphView';
export { Designer } from '../design/Designer';
export type { MachineConfig } from '../design/Designer';
