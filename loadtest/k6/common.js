// Shared helpers for stepjet's k6 scripts: the AWS JSON 1.0 protocol (POST / with X-Amz-Target)
// and the order workflow from bench/testdata, created once in setup().
import http from 'k6/http';

export const BASE = __ENV.STEPJET_URL || 'http://127.0.0.1:8083';
export const MACHINE = __ENV.MACHINE || 'order-k6';
export const REGION = __ENV.REGION || 'us-east-1';
export const ACCOUNT = __ENV.ACCOUNT || '123456789012';
export const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE}`;

// open() runs in the init context, relative to this file.
export const DEFINITION = open('../../bench/testdata/order.asl.json');
export const INPUT = open('../../bench/testdata/order-input.json');

// call sends one AWS API operation; tags name it in k6's metrics.
export function call(op, body) {
  return http.post(`${BASE}/`, JSON.stringify(body), {
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `AWSStepFunctions.${op}`,
    },
    tags: { op },
  });
}

// ensureMachine creates the order workflow as an EXPRESS machine; one that already exists is fine.
// Its Task states call the Lambda functions CheckInventory, ProcessPayment and Ship: run the
// workers (go run ./loadtest/natsload --serve-workers --workers-only) next to `stepjet serve`.
export function ensureMachine() {
  const res = call('CreateStateMachine', {
    name: MACHINE,
    definition: DEFINITION,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/stepjet-k6`,
    type: 'EXPRESS',
  });
  if (res.status !== 200 && !(res.body || '').includes('StateMachineAlreadyExists')) {
    throw new Error(`CreateStateMachine: ${res.status} ${res.body}`);
  }
  return { machineArn: MACHINE_ARN };
}

// stages ramps the arrival rate up to PEAK_RATE (default 1000/s), holds it, and ramps down.
export function rampingArrival(defaultPeak) {
  const peak = parseInt(__ENV.PEAK_RATE || `${defaultPeak}`, 10);
  const step = __ENV.STAGE || '20s';
  return {
    executor: 'ramping-arrival-rate',
    startRate: Math.max(1, Math.floor(peak / 10)),
    timeUnit: '1s',
    preAllocatedVUs: parseInt(__ENV.VUS || '100', 10),
    maxVUs: parseInt(__ENV.MAX_VUS || '1000', 10),
    stages: [
      { target: Math.floor(peak / 2), duration: step },
      { target: peak, duration: step },
      { target: peak, duration: step },
      { target: 0, duration: '5s' },
    ],
  };
}
