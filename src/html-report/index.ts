/** The HTML report: data from the history, rendered to one self-contained file. */
export { buildReportData, type ReportData, type ReportInput, type ReportSection } from './report-data.js'
export { renderHtmlReport } from './render.js'
export type { ChartSpec } from './chart-spec.js'
