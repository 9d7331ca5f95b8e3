// The console's model of a state machine graph. One owner: src/graph builds it from ASL
// (buildGraph), lays it out (layoutGraph) and draws it (GraphView); the designer and the
// execution pages only consume it. Ids are JSON pointers into the definition so a node, a
// group or a validation diagnostic's location name the same thing.

export type StateType = 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

export interface GraphNode {
  /** JSON pointer of the state: "/States/Pay", "/States/P/Branches/0/States/A",
   *  "/States/M/ItemProcessor/States/B"; state names are escaped as RFC 6901 tokens ("~0", "~1").
   *  Start and end markers, one pair per level: "<group id or ''>/@start" and "<group id or ''>/@end". */
  id: string;
  /** 'Unknown': a state whose Type is missing or not an ASL type yet (while editing), or a
   *  placeholder for a state that a Next/Default/Catch names but that does not exist (missing). */
  kind: StateType | 'Start' | 'End' | 'Unknown';
  /** The state's name ("" for the start and end markers). */
  name: string;
  /** Id of the enclosing group (a Parallel branch or a Map item processor), null at top level. */
  parent: string | null;
  /** Task Resource (or the integration it names), for the label and icon. */
  resource?: string;
  /** Error names of each Retry rule, shown on the state. */
  retry?: string[][];
  /** The state is the machine's (or its group's) StartAt / ends the machine (End or terminal). */
  start?: boolean;
  end?: boolean;
  /** A placeholder: a transition names this state but the definition does not have it. */
  missing?: boolean;
}

export interface GraphGroup {
  /** "/States/P/Branches/0" or "/States/M/ItemProcessor" (or "/States/M/Iterator"). */
  id: string;
  kind: 'branch' | 'processor';
  /** Id of the Parallel or Map node that owns the group. */
  owner: string;
  parent: string | null;
}

export interface GraphEdge {
  /** Stable: from + kind + index, e.g. "/States/C>choice:0", "/States/T>catch:1", "/States/A>next". */
  id: string;
  from: string;
  to: string;
  kind: 'next' | 'default' | 'choice' | 'catch' | 'start' | 'end';
  /** Choice rule as text, Catch error names, "Default". */
  label?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
}

export interface Point { x: number; y: number }
export interface Box { x: number; y: number; width: number; height: number }

export interface Layout {
  nodes: Record<string, Box>;
  groups: Record<string, Box>;
  edges: Record<string, { points: Point[]; label?: Point }>;
  width: number;
  height: number;
}

/** What happened to a state in an execution, for colouring the graph. */
export type StateStatus = 'succeeded' | 'failed' | 'caught' | 'retried' | 'running' | 'notreached';
