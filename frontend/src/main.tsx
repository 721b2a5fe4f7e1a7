import { render } from 'preact';
import { App } from './App';
import { initialLocale, loadLocale } from './i18n';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  // The reader's language first (its words come in a chunk of their own unless it is French), so
  // that the first screen is in it; without them (offline, never fetched) the app is in French.
  void loadLocale(initialLocale())
    .catch(() => undefined)
    .finally(() => {
      root.textContent = '';
      render(<App />, root);
    });
}

// The service worker (sw/sw.js, built to /sw.js) keeps the app and the courses read or saved for
// reading offline. Registered once the page has loaded, and a moment later, so that on a slow link
// it never competes with the first screen.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  const register = () =>
    setTimeout(() => {
      navigator.serviceWorker.register('/sw.js').catch(() => undefined);
    }, 1000);
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
