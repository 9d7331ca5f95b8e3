import { describe, expect, it } from 'vitest';
import { amzDate, sign } from './api';

// Signatures made by aws-sdk-go-v2's v4 signer (the one stepjet's CLI uses) for the same
// request, so the browser's signing is checked against an independent implementation.
describe('sign', () => {
  const base = {
    method: 'POST',
    host: '127.0.0.1:8083',
    path: '/',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'AWSStepFunctions.ListStateMachines',
      'Content-Length': '17',
    },
    body: '{"maxResults":10}',
    region: 'eu-west-1',
    service: 'states',
    date: new Date(Date.UTC(2026, 11, 7, 9, 30, 0)),
  };
  it('matches the AWS SDK for Go', async () => {
    const h = await sign({ ...base, creds: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } });
    expect(h['X-Amz-Date']).toBe('20261207T093000Z');
    expect(h.Authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/eu-west-1/states/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature=003f7e398f3390a8249d207baa311e7b7f5e733053e2678bca625c79f36130e4',
    );
  });
  it('signs a session token', async () => {
    const h = await sign({ ...base, creds: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'TOKEN123' } });
    expect(h['X-Amz-Security-Token']).toBe('TOKEN123');
    expect(h.Authorization).toContain('Signature=a9958514f542003630e19801716a587ab75e7551d7a5baae3d7f2b7ce96be11f');
  });
  it('formats X-Amz-Date', () => {
    expect(amzDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('20260102T030405Z');
  });
});
