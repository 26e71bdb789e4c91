'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Overview', icon: '◎' },
  { href: '/logs', label: 'Logs', icon: '≡' },
  { href: '/live', label: 'Live', icon: '●' },
  { href: '/services', label: 'Services', icon: '▦' },
  { href: '/queue', label: 'Queue', icon: '⇶' },
  { href: '/replay', label: 'Replay', icon: '↻' },
  { href: '/pipeline', label: 'Pipeline', icon: '⟿' },
] as const;
const ADMIN_LINK = { href: '/admin', label: 'Admin', icon: '⚙' } as const;

/** Main navigation; marks the current section. The Admin page is listed for admins only. */
export function NavLinks({ admin }: { admin: boolean }) {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      {[...LINKS, ...(admin ? [ADMIN_LINK] : [])].map((link) => {
        const current = link.href === '/' ? pathname === '/' : pathname.startsWith(link.href);
        return (
          <Link key={link.href} href={link.href} aria-current={current ? 'page' : undefined}>
            <span className="nav-icon" aria-hidden>
              {link.icon}
            </span>
            <span className="nav-label">{link.label}</span>
          </Link>
        );
      })}
    </nav>
  );
}
