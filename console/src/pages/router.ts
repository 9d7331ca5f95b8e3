// Hash routes (#/machines/...): the server serves one index.html for every page.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'machines' }
  | { page: 'new' }
  | { page: 'machine'; name: string }
  | { page: 'edit'; name: string }
  | { page: 'execution'; arn: string }
  | { page: 'notfound'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/machines';
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts[0] === 'machines') {
    if (parts.length === 1) return { page: 'machines' };
    if (parts.length === 2 && parts[1] === 'new') return { page: 'new' };
    if (parts.length === 2) return { page: 'machine', name: parts[1] };
    if (parts.length === 3 && parts[2] === 'edit') return { page: 'edit', name: parts[1] };
  }
  if (parts[0] === 'executions' && parts.length === 2) return { page: 'execution', arn: parts[1] };
  return { page: 'notfound', path };
}

export const href = {
  machines: () => '#/machines',
  newMachine: () => '#/machines/new',
  machine: (name: string) => `#/machines/${encodeURIComponent(name)}`,
  edit: (name: string) => `#/machines/${encodeURIComponent(name)}/edit`,
  execution: (arn: string) => `#/executions/${encodeURIComponent(arn)}`,
};

export function navigate(to: string) {
  location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
