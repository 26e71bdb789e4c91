import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { ApiBadge } from '@/components/api-badge';
import { NavLinks } from '@/components/nav-links';
import { ThemeToggle } from '@/components/theme-toggle';
import { config } from '@/lib/config';
import './globals.css';

export const metadata: Metadata = { title: { default: 'LogStream', template: '%s · LogStream' } };
export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0b0e14' };
// Every page reads live data; nothing is prerendered at build time.
export const dynamic = 'force-dynamic';

// Applies the stored theme before first paint so a light-theme user never sees a dark flash.
const THEME_SCRIPT = `try{var t=localStorage.getItem('logstream-theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  const { publicApiUrl } = config();
  return (
    <html lang="en" data-theme="dark" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <div className="shell">
          <aside className="sidebar">
            <a className="brand" href="/">
              <span className="brand-logo">L</span>
              <span className="brand-name">LogStream</span>
            </a>
            <NavLinks />
            <div className="sidebar-foot">
              <ApiBadge apiUrl={publicApiUrl} />
              <ThemeToggle />
            </div>
          </aside>
          <main className="main">{children}</main>
        </div>
      </body>
    </html>
  );
}
