// StartExecution at a ramping arrival rate: each request is answered once the start is stored
// in the executions stream (executionArn + startDate), so http_req_duration is the accept
// latency; the execution itself runs later (watch stepjet_executions_completed_total on
// /metrics, or the results stream).
//
//   k6 run loadtest/k6/start-async.js                     # peak 2000/s
//   PEAK_RATE=5000 k6 run loadtest/k6/start-async.js
import { check } from 'k6';
import exec from 'k6/execution';
import { call, ensureMachine, INPUT, rampingArrival } from './common.js';

export const options = {
  scenarios: { async: rampingArrival(2000) },
  thresholds: {
    'http_req_duration{op:StartExecution}': ['p(95)<5', 'p(99)<10'],
    'http_req_failed{op:StartExecution}': ['rate<0.001'],
    checks: ['rate>0.999'],
    dropped_iterations: ['count<10'],
  },
};

export function setup() {
  return ensureMachine();
}

export default function (data) {
  // A unique name per request: names are the de-duplication key of starts.
  const name = `k6-${exec.scenario.name}-${Date.now()}-${exec.scenario.iterationInTest}`;
  const res = call('StartExecution', { stateMachineArn: data.machineArn, name, input: INPUT });
  check(res, {
    'HTTP 200': (r) => r.status === 200,
    'executionArn returned': (r) => r.status === 200 && (r.json('executionArn') || '').includes(':express:'),
  });
}
