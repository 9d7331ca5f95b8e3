// The console's shell: header (navigation, theme, settings), the page the hash route names, and
// the settings dialog, opened by the user or when the server asks for a signature.
import { useEffect, useState } from 'preact/hooks';
import { getCredentials, onAuthRequired } from './api';
import { EditPage } from './pages/Edit';
import { ExecutionPage } from './pages/Execution';
import { MachinePage } from './pages/Machine';
import { MachinesPage } from './pages/Machines';
import { href, useRoute } from './pages/router';
import { SettingsDialog } from './pages/Settings';

type Theme = 'auto' | 'light' | 'dark';
const THEME_KEY = 'stepjet.theme';

function applyTheme(t: Theme) {
  const dark = t === 'dark' || (t === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function App() {
  const route = useRoute();
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(THEME_KEY) as Theme) || 'auto');
  const [settings, setSettings] = useState<{ open: boolean; reason?: string }>({ open: false });
  const [epoch, setEpoch] = useState(0); // remounts the page after the key changes, to retry
  useEffect(() => {
    applyTheme(theme);
    localStorage.setItem(THEME_KEY, theme);
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => applyTheme(theme);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [theme]);
  useEffect(
    () => onAuthRequired((e) => setSettings({
      open: true,
      reason: getCredentials()
        ? `The server refused the key (${e.name}: ${e.message}). Check it.`
        : `This server requires signed requests (${e.name}). Enter its access key.`,
    })),
    [],
  );
  const next: Record<Theme, Theme> = { auto: 'light', light: 'dark', dark: 'auto' };
  return (
    <>
      <header class="top">
        <a class="brand" href={href.machines()}>stepjet</a>
        <nav><a href={href.machines()} class={route.page === 'machines' ? 'active' : ''}>State machines</a></nav>
        <span class="spacer" />
        <button class="secondary" data-testid="theme" title="Theme: auto follows the system" onClick={() => setTheme(next[theme])}>Theme: {theme}</button>
        <button class="secondary" data-testid="open-settings" onClick={() => setSettings({ open: true })}>Settings</button>
      </header>
      <main key={epoch}>
        {route.page === 'machines' && <MachinesPage />}
        {route.page === 'new' && <EditPage />}
        {/* keyed by what they show: another machine's page is a new page, never the last one
            re-rendered with its data still loaded (Save or Start would act on what is shown) */}
        {route.page === 'edit' && <EditPage key={route.name} name={route.name} />}
        {route.page === 'machine' && <MachinePage key={route.name} name={route.name} />}
        {route.page === 'execution' && <ExecutionPage key={route.arn} arn={route.arn} />}
        {route.page === 'notfound' && <p>No page at <code>{route.path}</code>. <a href={href.machines()}>State machines</a></p>}
      </main>
      <SettingsDialog open={settings.open} reason={settings.reason} onClose={(saved) => {
        setSettings({ open: false });
        if (saved) setEpoch((n) => n + 1);
      }} />
    </>
  );
}
