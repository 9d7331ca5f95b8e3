/** Anything that answers querySelectorAll like the DOM: the page's graph, or a stand-in in tests. */
export interface DrawnRoot {
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>;
}

/** Problems found when checking that every state, marker and transition of definition is drawn (empty: all drawn). */
export function drawnProblems(definition: unknown, root?: DrawnRoot): string[];
