'use client';
import { useEffect, useState } from 'react';

type Theme = 'dark' | 'light';

/** Switches between the dark (default) and light themes; the choice is kept in localStorage. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>('dark');
  useEffect(() => {
    setTheme(document.documentElement.dataset.theme === 'light' ? 'light' : 'dark');
  }, []);
  const toggle = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem('logstream-theme', next);
    } catch {
      // Private mode: the theme still applies for this page view.
    }
    setTheme(next);
  };
  return (
    <button
      type="button"
      className="btn small"
      onClick={toggle}
      aria-label="Toggle light and dark theme"
      data-testid="theme-toggle"
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
