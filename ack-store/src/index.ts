export * from './ack-store';
