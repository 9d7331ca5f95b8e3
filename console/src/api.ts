// The console speaks only the AWS Step Functions JSON 1.0 API that the SDKs and the CLI use
// (same origin: POST / with X-Amz-Target), so everything it does can be done with them too.
// One owner for the wire: every page calls `call`.
//
// When the server verifies SigV4 (serve with STEPJET_ACCESS_KEY_ID/STEPJET_SECRET_ACCESS_KEY,
// docs/security.md), requests are signed here with WebCrypto, as the SDKs sign them, using the
// key entered in the settings dialog (kept in sessionStorage: gone when the tab closes).

export class ApiError extends Error {
  constructor(public readonly name: string, message: string, public readonly status: number) {
    super(message);
  }
}

/** Errors that mean "this server wants a (different) signature". */
export const AUTH_ERRORS = new Set([
  'MissingAuthenticationTokenException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'AccessDeniedException',
]);

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const CREDS_KEY = 'stepjet.credentials';
const REGION_KEY = 'stepjet.region';

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage disabled by the browser
  }
}

export function getCredentials(): Credentials | null {
  const raw = storage()?.getItem(CREDS_KEY);
  if (!raw) return null;
  try {
    const c = JSON.parse(raw);
    return c && c.accessKeyId && c.secretAccessKey ? c : null;
  } catch {
    return null;
  }
}

export function setCredentials(c: Credentials | null) {
  const s = storage();
  if (!s) return;
  if (c) s.setItem(CREDS_KEY, JSON.stringify(c));
  else s.removeItem(CREDS_KEY);
}

/** The region requests are signed for: a setting, else the one the server's ARNs name. */
let learnedRegion = '';
export function getRegion(): string {
  return getRegionSetting() || learnedRegion || 'us-east-1';
}
/** The region set in Settings ("" when the server's is used). */
export function getRegionSetting(): string {
  return storage()?.getItem(REGION_KEY) ?? '';
}
export function setRegion(r: string) {
  const s = storage();
  if (!s) return;
  if (r) s.setItem(REGION_KEY, r);
  else s.removeItem(REGION_KEY);
}

/** Listeners told when the server refuses a request for want of a valid signature (the app
 *  opens the settings dialog). */
const authListeners = new Set<(e: ApiError) => void>();
export function onAuthRequired(f: (e: ApiError) => void): () => void {
  authListeners.add(f);
  return () => authListeners.delete(f);
}

export async function call<T = any>(operation: string, body: unknown): Promise<T> {
  const payload = JSON.stringify(body ?? {});
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `AWSStepFunctions.${operation}`,
  };
  const creds = getCredentials();
  if (creds) {
    Object.assign(
      headers,
      await sign({ method: 'POST', host: location.host, path: '/', headers, body: payload, region: getRegion(), service: 'states', creds, date: new Date() }),
    );
  }
  let res: Response;
  try {
    res = await fetch('/', { method: 'POST', headers, body: payload });
  } catch (e) {
    throw new ApiError('NetworkError', `cannot reach the stepjet API: ${(e as Error).message}`, 0);
  }
  const text = await res.text();
  let data: any = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    if (res.ok) throw new ApiError('InternalError', `${operation}: the server's answer is not JSON: ${text.slice(0, 200)}`, res.status);
  }
  if (!res.ok) {
    const type = String(data.__type ?? (res.status >= 500 ? 'InternalError' : 'ClientError'));
    const err = new ApiError(type.slice(type.lastIndexOf('#') + 1), String(data.message ?? data.Message ?? (text || res.statusText)), res.status);
    if (AUTH_ERRORS.has(err.name)) authListeners.forEach((f) => f(err));
    throw err;
  }
  learnRegion(text);
  return data as T;
}

const arnRegion = /"arn:[^:"]+:states:([a-z0-9-]+):/;
function learnRegion(text: string) {
  const m = arnRegion.exec(text);
  if (m) learnedRegion = m[1];
}

// ---- SigV4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)

export interface SignInput {
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  creds: Credentials;
  date: Date;
}

const enc = new TextEncoder();

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(s: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', enc.encode(s)));
}

async function hmac(key: ArrayBuffer | Uint8Array, s: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, enc.encode(s));
}

/** amzDate formats a time as SigV4's X-Amz-Date: 20260102T030405Z. */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** sign returns the headers to add to a request (X-Amz-Date, Authorization and, with a session
 *  token, X-Amz-Security-Token). It signs host, content-type, x-amz-* and the body's hash: what
 *  the server requires (transport/awsapi/sigv4.go). */
export async function sign(r: SignInput): Promise<Record<string, string>> {
  const date = amzDate(r.date);
  const day = date.slice(0, 8);
  const out: Record<string, string> = { 'X-Amz-Date': date };
  if (r.creds.sessionToken) out['X-Amz-Security-Token'] = r.creds.sessionToken;
  const all: Record<string, string> = { host: r.host };
  for (const [k, v] of Object.entries({ ...r.headers, ...out })) all[k.toLowerCase()] = v.trim().replace(/\s+/g, ' ');
  const names = Object.keys(all).sort();
  const canonical = [
    r.method,
    r.path,
    '',
    ...names.map((n) => `${n}:${all[n]}`),
    '',
    names.join(';'),
    await sha256(r.body),
  ].join('\n');
  const scope = `${day}/${r.region}/${r.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, await sha256(canonical)].join('\n');
  let key = await hmac(enc.encode('AWS4' + r.creds.secretAccessKey), day);
  key = await hmac(key, r.region);
  key = await hmac(key, r.service);
  key = await hmac(key, 'aws4_request');
  const signature = hex(await hmac(key, toSign));
  out.Authorization = `AWS4-HMAC-SHA256 Credential=${r.creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return out;
}
