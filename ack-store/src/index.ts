export * from './ack-store';
export * from './fault-store';
