export {
  importFile,
  type ImportSummary,
  type ImportProgress,
  type ImportOptions,
  type Rejection,
} from './import-run';
export { ImportConfig, serviceFromFile } from './config';
export { formatSummary } from './summary';
