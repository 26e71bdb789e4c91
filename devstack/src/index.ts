export * from './paths';
export * from './process-utils';
export * from './redis';
export * from './mongo';
export * from './ferretdb';
export * from './testing';
export * from './dashboard-server';
export * from './postgres';
