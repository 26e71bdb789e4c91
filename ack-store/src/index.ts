export * from './ack-store';
export * from './fault-store';
export { activeSpacesKey, spaceKeys, type SpaceKeys } from './keys';
