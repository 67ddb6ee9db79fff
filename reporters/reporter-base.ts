/** Shared lifecycle of the mlnode-bench reporters: keep the Vitest instance, log through it. */
import { isAbsolute, relative } from 'node:path'
import type { Vitest } from 'vitest/node'

export abstract class MlnodeReporterBase {
  protected vitest: Vitest | undefined

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  /** Vitest root (relative output paths resolve against it). */
  protected get root(): string {
    return this.vitest?.config.root ?? process.cwd()
  }

  /** A path for messages: relative to the root when inside it, else absolute. */
  protected shown(path: string): string {
    const rel = relative(this.root, path)
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
  }

  protected log(message: string): void {
    if (this.vitest) this.vitest.logger.log(message)
    else console.log(message)
  }

  protected error(message: string): void {
    if (this.vitest) this.vitest.logger.error(message)
    else console.error(message)
  }
}
