import Link from 'next/link';

/** 404 page (also used for unknown log ids). */
export default function NotFound() {
  return (
    <section className="card">
      <h1>Not found</h1>
      <p className="muted">
        There is no page at this address. Check the link, or start from one of the pages above.
      </p>
      <Link href="/logs" className="btn">
        Search logs
      </Link>
    </section>
  );
}
