// The settings dialog: the SigV4 key the console signs with when the server requires one (kept
// in sessionStorage, gone with the tab) and the region to sign for.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getCredentials, getRegion, getRegionSetting, setCredentials, setRegion } from '../api';

export function SettingsDialog({ open, reason, onClose }: { open: boolean; reason?: string; onClose: (saved: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const c = getCredentials();
  const [key, setKey] = useState(c?.accessKeyId ?? '');
  const [secret, setSecret] = useState(c?.secretAccessKey ?? '');
  const [token, setToken] = useState(c?.sessionToken ?? '');
  const [region, setReg] = useState(getRegionSetting());
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const save = (e: Event) => {
    e.preventDefault();
    setCredentials(key && secret ? { accessKeyId: key.trim(), secretAccessKey: secret.trim(), sessionToken: token.trim() || undefined } : null);
    setRegion(region.trim());
    onClose(true);
  };
  return (
    <dialog ref={ref} class="dialog" data-testid="settings" onCancel={() => onClose(false)}>
      <form onSubmit={save}>
        <h2>Settings</h2>
        {reason && <p class="error">{reason}</p>}
        <p class="muted">
          When <code>stepjet serve</code> runs with STEPJET_ACCESS_KEY_ID and STEPJET_SECRET_ACCESS_KEY, the console signs
          its API calls (SigV4) with this key. It is kept in this tab's session storage only.
        </p>
        <label>Access key id <input data-testid="field-accessKeyId" value={key} autocomplete="off" onInput={(e) => setKey(e.currentTarget.value)} /></label>
        <label>Secret access key <input data-testid="field-secretAccessKey" type="password" value={secret} autocomplete="off" onInput={(e) => setSecret(e.currentTarget.value)} /></label>
        <label>Session token (optional) <input value={token} autocomplete="off" onInput={(e) => setToken(e.currentTarget.value)} /></label>
        <label>Region (default: the server's, {getRegion()}) <input value={region} placeholder={getRegion()} onInput={(e) => setReg(e.currentTarget.value)} /></label>
        <div class="toolbar">
          <span class="spacer" />
          <button type="button" class="secondary" onClick={() => { setCredentials(null); setKey(''); setSecret(''); setToken(''); }}>Forget key</button>
          <button type="button" class="secondary" onClick={() => onClose(false)}>Cancel</button>
          <button type="submit" data-testid="settings-save">Save</button>
        </div>
      </form>
    </dialog>
  );
}
