// Starts the TypeScript load worker from source (tests and tsx runs; the npm package runs the
// compiled load-worker.js directly): tsx is registered in this thread first, since Node 20's
// module hooks are not inherited by worker threads.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
