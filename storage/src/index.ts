export * from './connection';
export * from './meta-keys';
export * from './models/log';
export * from './models/rollup';
export * from './models/index';
export * from './models/replay';
export * from './models/dead-letter';
export * from './models/retention';
