export * from './logger';
export * from './redis';
export * from './leader-lock';
export * from './define-script';
export * from './ingest-queues';
