export * from './logger';
export * from './redis';
export * from './leader-lock';
export * from './shared-mutex';
export * from './periodic-task';
export * from './define-script';
export * from './ingest-queues';
