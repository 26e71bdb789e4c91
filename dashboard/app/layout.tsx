import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { ApiBadge } from '@/components/api-badge';
import { NavLinks } from '@/components/nav-links';
import { ThemeToggle } from '@/components/theme-toggle';
import { UserMenu } from '@/components/user-menu';
import { config } from '@/lib/config';
import { currentUser } from '@/lib/session';
import './globals.css';

export const metadata: Metadata = { title: { default: 'LogStream', template: '%s · LogStream' } };
export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0b0e14' };
// Every page reads live data; nothing is prerendered at build time.
export const dynamic = 'force-dynamic';

// Applies the stored theme before first paint so a light-theme user never sees a dark flash.
const THEME_SCRIPT = `try{var t=localStorage.getItem('logstream-theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { publicApiUrl } = config();
  // Signed out, only /login renders (the proxy sends every other page there): no navigation, no live badge.
  const user = await currentUser();
  return (
    <html lang="en" data-theme="dark" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        {!user ? (
          <main className="auth-main">{children}</main>
        ) : (
          <div className="shell">
            <aside className="sidebar">
              <a className="brand" href="/">
                <span className="brand-logo">L</span>
                <span className="brand-name">LogStream</span>
              </a>
              <NavLinks admin={user.role === 'admin'} />
              <div className="sidebar-foot">
                <UserMenu email={user.email} role={user.role} />
                <ApiBadge apiUrl={publicApiUrl} />
                <ThemeToggle />
              </div>
            </aside>
            <main className="main">{children}</main>
          </div>
        )}
      </body>
    </html>
  );
}
