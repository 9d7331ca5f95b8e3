// FALLBACK (console-app branch only; the lead deletes this folder on merge, see ../parts.ts):
// a stand-in for console-design's Designer with the same props: a JSON text area and a name.
// It has no palette, no graph editing and no validation: the real one does.
import { useState } from 'preact/hooks';

export interface MachineConfig {
  name: string;
  type: 'EXPRESS' | 'STANDARD';
  loggingConfiguration?: unknown;
  tracingConfiguration?: unknown;
  tags?: { key: string; value: string }[];
  publish?: boolean;
  versionDescription?: string;
}

export interface DesignerProps {
  name?: string;
  definition: string;
  config?: MachineConfig;
  onSave: (def: string, config: MachineConfig) => Promise<void>;
  onTestState?: unknown;
}

export function Designer(p: DesignerProps) {
  const [text, setText] = useState(p.definition);
  const [name, setName] = useState(p.config?.name ?? p.name ?? '');
  const [err, setErr] = useState('');
  return (
    <div data-testid="designer-fallback" class="panel">
      <label>Name <input data-testid="config-name" value={name} disabled={!!p.name} onInput={(e) => setName(e.currentTarget.value)} /></label>
      <textarea class="code" rows={20} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {err && <p class="error">{err}</p>}
      <button data-testid="save" onClick={() => p.onSave(text, { ...(p.config ?? { type: 'EXPRESS' }), name }).catch((e) => setErr(String(e.message ?? e)))}>Save</button>
    </div>
  );
}
