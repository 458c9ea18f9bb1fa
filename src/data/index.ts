export * from './pit-records.ts';
