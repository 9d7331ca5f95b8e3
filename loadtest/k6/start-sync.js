// StartSyncExecution at a ramping arrival rate: every request runs the order workflow to its end
// and returns its output, so http_req_duration is the execution's end-to-end latency.
//
//   k6 run loadtest/k6/start-sync.js                      # peak 1000/s
//   PEAK_RATE=2000 STEPJET_URL=http://127.0.0.1:8083 k6 run loadtest/k6/start-sync.js
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import { call, ensureMachine, INPUT, rampingArrival } from './common.js';

const succeeded = new Rate('execution_succeeded');

export const options = {
  scenarios: { sync: rampingArrival(1000) },
  thresholds: {
    // The target: p99 < 5 ms at 1,000 executions/s (loopback, one host).
    'http_req_duration{op:StartSyncExecution}': ['p(95)<3', 'p(99)<5'],
    'http_req_failed{op:StartSyncExecution}': ['rate<0.001'],
    execution_succeeded: ['rate>0.999'],
    dropped_iterations: ['count<10'], // k6 could not keep the offered rate
  },
};

export function setup() {
  return ensureMachine();
}

export default function (data) {
  const res = call('StartSyncExecution', { stateMachineArn: data.machineArn, input: INPUT });
  const ok = check(res, {
    'HTTP 200': (r) => r.status === 200,
    'status SUCCEEDED': (r) => r.status === 200 && r.json('status') === 'SUCCEEDED',
  });
  succeeded.add(ok);
}
