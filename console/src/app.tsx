// Placeholder shell (console-base): replaced by the app's router and pages.
export function App() {
  return <main><h1>stepjet console</h1></main>;
}
