'use client';
import { useCallback } from 'react';
import { useRouter } from 'next/navigation';
import { LevelVolumeChart } from './charts/level-volume-chart';

/** The search's volume histogram; brushing a span puts it into the URL as an absolute from/to. */
export function HistogramBrush({
  query,
  buckets,
  byLevel,
  bucketMs,
}: {
  query: string;
  buckets: number[];
  byLevel: Record<string, number[]>;
  bucketMs: number;
}) {
  const router = useRouter();
  const onBrush = useCallback(
    (fromMs: number, toMs: number) => {
      const params = new URLSearchParams(query);
      for (const key of ['range', 'from', 'to', 'cursor', 'open']) params.delete(key);
      params.set('from', new Date(fromMs).toISOString());
      params.set('to', new Date(toMs).toISOString());
      router.push(`/logs?${params.toString()}`, { scroll: false });
    },
    [query, router],
  );
  return (
    <LevelVolumeChart
      buckets={buckets}
      byLevel={byLevel}
      bucketMs={bucketMs}
      height={180}
      onBrush={onBrush}
    />
  );
}
