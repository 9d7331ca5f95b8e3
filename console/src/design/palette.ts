// What the palette offers: ASL's flow states and Task states for the integrations stepjet runs
// (README "Task states call", docs/executor.md "Task states"). Each item's id is the drag payload
// (MIME type PALETTE_MIME) and names its data-testid, palette-<id>.

import type { Template } from './asl';

export const PALETTE_MIME = 'application/x-stepjet-state';

export interface PaletteItem {
  id: string;
  group: 'Flow' | 'Actions';
  label: string;
  /** What the item does, for its tooltip. */
  hint: string;
  /** Base of the new state's name (made unique). */
  base: string;
  template: Template;
}

const next = (n: string | undefined) => (n === undefined ? { End: true } : { Next: n });

/** A Task's body: Parameters in JSONPath mode, Arguments in JSONata mode. */
function task(resource: string, jsonpath: Record<string, unknown>, jsonata: Record<string, unknown>): Template {
  return (n, { jsonata: ata }) => ({ Type: 'Task', Resource: resource, ...(ata ? { Arguments: jsonata } : { Parameters: jsonpath }), ...next(n) });
}

export const PALETTE: PaletteItem[] = [
  { id: 'Pass', group: 'Flow', label: 'Pass', hint: 'Pass its input on, optionally transformed', base: 'Pass', template: (n) => ({ Type: 'Pass', ...next(n) }) },
  {
    id: 'Choice', group: 'Flow', label: 'Choice', hint: 'Go one way or another by rules on the input', base: 'Choice',
    template: (n, { jsonata }) => ({
      Type: 'Choice',
      Choices: [jsonata ? { Condition: '{% $states.input.ok = true %}', Next: n } : { Variable: '$.ok', BooleanEquals: true, Next: n }],
      Default: n,
    }),
  },
  { id: 'Wait', group: 'Flow', label: 'Wait', hint: 'Wait for some seconds or until a time', base: 'Wait', template: (n) => ({ Type: 'Wait', Seconds: 1, ...next(n) }) },
  { id: 'Succeed', group: 'Flow', label: 'Succeed', hint: 'End the path successfully', base: 'Success', template: () => ({ Type: 'Succeed' }) },
  { id: 'Fail', group: 'Flow', label: 'Fail', hint: 'End the execution with an error and cause', base: 'Fail', template: () => ({ Type: 'Fail', Error: 'Failed', Cause: 'Describe why' }) },
  {
    id: 'Parallel', group: 'Flow', label: 'Parallel', hint: 'Run branches at the same time', base: 'Parallel',
    template: (n, { name }) => {
      const a = name('Branch 1'), b = name('Branch 2');
      return {
        Type: 'Parallel',
        Branches: [{ StartAt: a, States: { [a]: { Type: 'Pass', End: true } } }, { StartAt: b, States: { [b]: { Type: 'Pass', End: true } } }],
        ...next(n),
      };
    },
  },
  {
    id: 'Map', group: 'Flow', label: 'Map', hint: 'Run steps for each item of an array', base: 'Map',
    template: (n, { jsonata, name }) => {
      const s = name('Process item');
      return {
        Type: 'Map',
        ...(jsonata ? { Items: '{% $states.input.items %}' } : { ItemsPath: '$.items' }),
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: s, States: { [s]: { Type: 'Pass', End: true } } },
        ...next(n),
      };
    },
  },
  {
    id: 'Task', group: 'Actions', label: 'NATS worker (Lambda invoke)', hint: 'Call a worker on stepjet.fn.NAME (arn:aws:states:::lambda:invoke)', base: 'Invoke worker',
    template: task('arn:aws:states:::lambda:invoke', { FunctionName: 'my-worker', 'Payload.$': '$' }, { FunctionName: 'my-worker', Payload: '{% $states.input %}' }),
  },
  {
    id: 'HttpInvoke', group: 'Actions', label: 'HTTP endpoint', hint: 'Call an HTTP API (arn:aws:states:::http:invoke)', base: 'Call HTTP API',
    template: task('arn:aws:states:::http:invoke', { ApiEndpoint: 'https://example.com/api', Method: 'GET' }, { ApiEndpoint: 'https://example.com/api', Method: 'GET' }),
  },
  {
    id: 'SnsPublish', group: 'Actions', label: 'SNS publish', hint: 'Publish on stepjet.sns.TOPIC (arn:aws:states:::sns:publish)', base: 'Publish message',
    template: task('arn:aws:states:::sns:publish',
      { TopicArn: 'arn:aws:sns:us-east-1:123456789012:my-topic', 'Message.$': '$' },
      { TopicArn: 'arn:aws:sns:us-east-1:123456789012:my-topic', Message: '{% $states.input %}' }),
  },
  {
    id: 'SqsSend', group: 'Actions', label: 'SQS send message', hint: 'Publish on stepjet.sqs.QUEUE (arn:aws:states:::sqs:sendMessage)', base: 'Send message',
    template: task('arn:aws:states:::sqs:sendMessage',
      { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/my-queue', 'MessageBody.$': '$' },
      { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/my-queue', MessageBody: '{% $states.input %}' }),
  },
  {
    id: 'EventsPut', group: 'Actions', label: 'EventBridge put events', hint: 'Publish on stepjet.events.BUS (arn:aws:states:::events:putEvents)', base: 'Put event',
    template: task('arn:aws:states:::events:putEvents',
      { Entries: [{ Source: 'my.app', DetailType: 'Something happened', 'Detail.$': '$' }] },
      { Entries: [{ Source: 'my.app', DetailType: 'Something happened', Detail: '{% $states.input %}' }] }),
  },
];

export function paletteItem(id: string): PaletteItem | undefined {
  return PALETTE.find((p) => p.id === id);
}
