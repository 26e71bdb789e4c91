export * from './ack-store';
export * from './fault-store';
export * from './pipeline-counters';
export { activeSpacesKey, openSpacesKey, spaceKeys, type SpaceKeys } from './keys';
