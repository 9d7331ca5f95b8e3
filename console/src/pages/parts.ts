// The parts the pages take from the other console folders, in one place.
//
// LEAD, ON MERGE: console-graph (src/graph/**) and console-design (src/design/**) were built in
// parallel on their own branches. This branch carries minimal stand-ins in ./_fallback so that
// it builds and its pages can be tested alone. When merging, point these exports at
//   ../graph/build (buildGraph), ../graph/layout (layoutGraph), ../graph/GraphView (GraphView),
//   ../design/Designer (Designer, MachineConfig)
// and delete ./_fallback.
export { buildGraph, layoutGraph, GraphView } from './_fallback/graph';
export { Designer } from './_fallback/Designer';
export type { MachineConfig } from './_fallback/Designer';
