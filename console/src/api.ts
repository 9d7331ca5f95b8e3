// The console speaks only the AWS Step Functions JSON 1.0 API that the SDKs and the CLI use
// (same origin: POST / with X-Amz-Target), so everything it does can be done with them too.
// One owner for the wire: every page calls `call`.

export class ApiError extends Error {
  constructor(public readonly name: string, message: string, public readonly status: number) {
    super(message);
  }
}

export async function call<T = any>(operation: string, body: unknown): Promise<T> {
  const res = await fetch('/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `AWSStepFunctions.${operation}`,
    },
    body: JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const type = String(data.__type ?? 'InternalError');
    throw new ApiError(type.slice(type.lastIndexOf('#') + 1), String(data.message ?? data.Message ?? text), res.status);
  }
  return data as T;
}
