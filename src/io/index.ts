/** io: everything that touches files and the network: loaders, writers, provider fetchers, the run-directory writer. */
export { RunDir, withRunDir, runId, configHash, canonicalJson, sha256Hex, sha256File } from './run-dir.ts';
export type { RunDirOptions } from './run-dir.ts';
export { createTempDir, sweepStaleTempDirs, parseTempDirName, processAlive, tempDirName } from './temp-dir.ts';
export type { TempDir } from './temp-dir.ts';
export { readStudyFile } from './study-file.ts';
export type { StudyFileText } from './study-file.ts';
export {
  loadPrices,
  loadPricesWithReport,
  loadPricesSync,
  loadPricesSyncWithReport,
  loadPriceFieldsSync,
  readTable,
  readCsvTable,
  finishLoad,
} from './load-prices.ts';
export type { LoadPricesOptions, LoadReport } from './load-prices.ts';
export { parseCsvTable, tableToPanel } from './csv-table.ts';
export type { RawTable, TableOptions, CsvLayout } from './csv-table.ts';
export { parseNumericCsv, parseStringCsv, parseCellText, DELIMITERS } from './csv-parse.ts';
export type { NumericCsv, CsvOptions, Delimiter } from './csv-parse.ts';
export { DATE_FORMATS, parseDateText, detectDateFormat } from './csv-dates.ts';
export type { DateFormat } from './csv-dates.ts';
export { readInputBytes, assertReadableFile, isGzip } from './read-bytes.ts';
export { panelToCsv, writeWideCsv, writeFileAtomic } from './csv-write.ts';
export { readParquetTable, writeParquet } from './parquet.ts';
export type { WriteParquetOptions } from './parquet.ts';
export { parseFrenchCsv, loadFrench, listFrenchSections } from './french.ts';
export type { FrenchOptions, FrenchSection } from './french.ts';
export { parseYahooChart, parseStooqCsv, parseFredCsv } from './providers.ts';
export { fetchTextCached, fetchSymbol, fetchPanel, providerUrl, PROVIDERS, DEFAULT_BASE_URLS } from './fetch.ts';
export type { Provider, FetchOptions, CachedText } from './fetch.ts';
export { validateFile } from './validate-file.ts';
export { loadAssetMeta, parseAssetMeta } from './asset-meta.ts';
export { loadLabeledTable, parseLabeledTable } from './labeled-table.ts';
export type { LabeledTable } from './labeled-table.ts';
export type { ValidateFileOptions } from './validate-file.ts';
