export * from './limits';
export * from './level';
export * from './meta';
export * from './log';
export * from './ingest';
export * from './errors';
export * from './env';
export * from './queues';
