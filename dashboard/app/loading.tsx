import { CardSkeleton } from '@/components/skeleton';

/** Shown while a page's server components start streaming. */
export default function Loading() {
  return (
    <>
      <div className="skeleton" style={{ height: 32, width: 220 }} />
      <CardSkeleton height={80} />
      <CardSkeleton height={240} />
    </>
  );
}
