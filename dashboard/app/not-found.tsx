import Link from 'next/link';

/** 404 page (also used for unknown log ids). */
export default function NotFound() {
  return (
    <section className="card">
      <h1>Not found</h1>
      <p className="muted">Nothing lives at this address. The log may have been swept by retention.</p>
      <Link href="/logs" className="btn">
        Search logs
      </Link>
    </section>
  );
}
