// One 16×16 line icon per state type and Task integration, as SVG path data (stroked, not
// filled; drawn with the node's text colour). Paths only, so an exported SVG needs no fonts.

import type { IconName } from './metrics';

export const iconPaths: Record<IconName, string> = {
  // a cog-like square: a generic Task
  task: 'M3 3h10v10H3z M6 6h4v4H6z',
  // λ: Lambda / a NATS worker
  lambda: 'M4 14L8 7 M5 2h2l6 12',
  // a globe: HTTP endpoint
  http: 'M8 2a6 6 0 1 0 0.01 0 M2 8h12 M8 2c-3 3-3 9 0 12 M8 2c3 3 3 9 0 12',
  // a megaphone: SNS publish
  sns: 'M2 6h3l6-3v10l-6-3H2z M5 10l1 4',
  // stacked messages: SQS queue
  sqs: 'M2 3h12v3H2z M2 7h12v3H2z M2 11h12v3H2z',
  // a bus with arrows: EventBridge
  events: 'M8 2a6 6 0 1 0 0.01 0 M5 8h6 M9 6l2 2-2 2',
  // nested boxes: Step Functions StartExecution
  states: 'M2 2h8v8H2z M6 6h8v8H6z',
  // braces: an AWS SDK integration
  sdk: 'M6 2c-2 0-2 1-2 3s-1 3-2 3c1 0 2 1 2 3s0 3 2 3 M10 2c2 0 2 1 2 3s1 3 2 3c-1 0-2 1-2 3s0 3-2 3',
  // →: Pass
  pass: 'M2 8h11 M9 4l4 4-4 4',
  // a diamond: Choice
  choice: 'M8 2l6 6-6 6-6-6z',
  // a clock: Wait
  wait: 'M8 2a6 6 0 1 0 0.01 0 M8 4.5V8l2.5 2',
  // a check: Succeed
  succeed: 'M3 8.5l3 3 7-7',
  // a cross: Fail
  fail: 'M4 4l8 8 M12 4l-8 8',
  // parallel lanes: Parallel
  parallel: 'M5 2v12 M11 2v12 M3 5l2-3 2 3 M9 5l2-3 2 3',
  // stacked items: Map
  map: 'M5 2h9v9 M3 4h9v9H3z',
  // a question mark: no type yet / missing state
  unknown: 'M5.5 6a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .8-1 1.5V11 M8 13.5v.5',
};

/** A retry arrow, drawn as the Retry badge's icon (12×12). */
export const retryPath = 'M10 4.5A4.5 4.5 0 1 0 10.5 8 M10 1.5v3h-3';
