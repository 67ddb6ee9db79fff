/** The package ships no types: its one export parses Prometheus text into metric families (prom2json's shape). */
declare module 'parse-prometheus-text-format' {
  export interface PrometheusFamily {
    name: string
    help?: string
    type: string
    metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; quantiles?: Record<string, string>; count?: string; sum?: string }>
  }
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[]
}
