// Small helpers every page uses: loading state for API calls, dates, durations, JSON display.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';

export interface Loaded<T> {
  data?: T;
  error?: ApiError | Error;
  loading: boolean;
  reload: () => void;
}

/** useLoad runs load when deps change (and on reload), keeping the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

export function ErrorBox({ error }: { error?: Error | null }) {
  if (!error) return null;
  return (
    <div class="error" role="alert" data-testid="error">
      <strong>{error.name}</strong> {error.message}
    </div>
  );
}

/** The API's dates are epoch seconds (AWS JSON 1.0 timestamps). */
export function fmtDate(sec?: number): string {
  if (sec === undefined || sec === null) return '';
  const d = new Date(sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function fmtDuration(sec?: number): string {
  if (sec === undefined || !isFinite(sec)) return '';
  if (sec < 1) return `${Math.round(sec * 1000)} ms`;
  if (sec < 120) return `${sec.toFixed(sec < 10 ? 3 : 1)} s`;
  return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;
}

/** pretty shows a JSON text indented (or as it is when it is not JSON). */
export function pretty(text?: string | null): string {
  if (text === undefined || text === null) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function Json({ text, testid }: { text?: string | null; testid?: string }) {
  if (text === undefined || text === null) return <p class="muted">(not recorded)</p>;
  return <pre class="json" data-testid={testid}>{pretty(text)}</pre>;
}

export function StatusBadge({ status, testid }: { status: string; testid?: string }) {
  return <span class={`badge status-${status.toLowerCase()}`} data-testid={testid}>{status}</span>;
}

/** listAll pages through a List* operation with nextToken. */
export async function listAll<T>(fetchPage: (token?: string) => Promise<{ items: T[]; nextToken?: string }>, max = 10000): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    out.push(...page.items);
    token = page.nextToken;
  } while (token && out.length < max);
  return out;
}

/** machineName is the last part of a state machine ARN (before a :version or :alias). */
export function machineName(arn: string): string {
  const parts = arn.split(':');
  const i = parts.indexOf('stateMachine');
  return i >= 0 ? parts[i + 1] ?? arn : parts[parts.length - 1];
}
