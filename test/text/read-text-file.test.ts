import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isMlnodeBenchError } from '../../src/errors.js'
import { readTextFile, readTextFileSync } from '../../src/text/read-text-file.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-read-text-')

describe('readTextFile', () => {
  it('returns the text of a file', async () => {
    const path = join(dir(), 'a.txt')
    await writeFile(path, 'héllo\n')
    expect(await readTextFile(path, { what: 'prompts file' })).toBe('héllo\n')
    expect(readTextFileSync(path, { what: 'prompts file' })).toBe('héllo\n')
  })

  it('throws one MlnodeBenchError naming what and where, with the cause kept', async () => {
    const path = join(dir(), 'missing.csv')
    const error = await readTextFile(path, { what: 'lengths file' }).catch((e: unknown) => e)
    expect(isMlnodeBenchError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'MLNB_CONFIG', details: { file: path } })
    expect((error as Error).message).toMatch(new RegExp(`^Cannot read lengths file ${path}: ENOENT`))
    expect((error as Error).cause).toMatchObject({ code: 'ENOENT' })
  })

  it('names the path as the user wrote it and takes another code', () => {
    let error: unknown
    try {
      readTextFileSync(dir(), { what: 'hardware file', shownAs: 'boxes/dir.yml', code: 'MLNB_MODEL' })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'MLNB_MODEL', details: { file: 'boxes/dir.yml' } })
    expect((error as Error).message).toMatch(/^Cannot read hardware file boxes\/dir\.yml: EISDIR/)
    expect((error as Error).cause).toMatchObject({ code: 'EISDIR' })
  })
})
