/** The shared command-line parser: typed values, and every misuse as a named MLNB_USAGE error. */
import { describe, expect, it, vi } from 'vitest'
import { parseCommandLine } from '../../src/cli/parse-options.js'

const line = {
  command: 'demo',
  usage: 'Usage: mlnode-bench demo …',
  options: {
    out: { type: 'string', short: 'o', required: true },
    args: { type: 'string', dashValue: true },
    port: { type: 'port' },
    count: { type: 'integer', min: 1 },
    alpha: { type: 'number', above: 0, below: 1 },
    json: { type: 'boolean' },
  },
} as const

function usageFailure(argv: string[]) {
  try {
    parseCommandLine(line, argv)
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> }
  }
  throw new Error(`parsed without error: ${argv.join(' ')}`)
}

describe('parseCommandLine', () => {
  it('returns typed values, booleans defaulting to false, and glues dash values', () => {
    const parsed = parseCommandLine(line, ['-o', 'x.json', '--args', '-tp 4', '--port', '65535', '--count', '3', '--alpha', '.05'])
    expect(parsed).toEqual({ values: { out: 'x.json', args: '-tp 4', port: 65535, count: 3, alpha: 0.05, json: false }, positionals: [] })
  })

  it('prints the usage and returns undefined on --help, even beside a bad option', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    expect(parseCommandLine(line, ['--bogus', '--help'])).toBeUndefined()
    expect(log).toHaveBeenCalledWith('Usage: mlnode-bench demo …')
    log.mockRestore()
  })

  it.each([
    [['--out', 'x', '--bogus'], 'unknown option "--bogus"', { option: '--bogus' }],
    [['--out', 'x', '--port', '70000'], '--port must be an integer from 0 to 65535, got "70000"', { option: 'port', value: '70000' }],
    [['--out', 'x', '--count', '1.5'], '--count must be an integer >= 1, got "1.5"', { option: 'count', value: '1.5' }],
    [['--out', 'x', '--count', '12abc'], '--count must be an integer >= 1, got "12abc"', { option: 'count' }],
    [['--out', 'x', '--alpha', '1'], '--alpha must be a number > 0 and < 1, got "1"', { option: 'alpha' }],
    [['--out', 'x', '--alpha', 'NaN'], '--alpha must be a number > 0 and < 1, got "NaN"', { option: 'alpha' }],
    [['--out', 'x', '--port'], '--port needs a value', { option: '--port' }],
    [['-o'], '--out needs a value', { option: '--out' }],
    [['--out', '--json'], '--out needs a value, got "--json" which looks like an option (write --out=--json if you mean it)', { value: '--json' }],
    [['--out', 'x', '--json=yes'], '--json is a flag and takes no value', { option: '--json' }],
    [['--out', 'x', 'extra'], 'unexpected argument "extra": this command takes no positional arguments', { value: 'extra' }],
    [[], '--out is required', { option: 'out' }],
  ])('%j → %s', (argv, message, details) => {
    const error = usageFailure(argv)
    expect(error.code).toBe('MLNB_USAGE')
    expect(error.message).toBe(`${message}\nRun \`mlnode-bench demo --help\` for its options.`)
    expect(error.details).toMatchObject({ command: 'demo', ...details })
  })

  it('counts positionals when the command takes them', () => {
    const files = { ...line, positionals: { name: 'results file', min: 1 } }
    expect(parseCommandLine(files, ['a.json', 'b.json', '-o', 'x'])?.positionals).toEqual(['a.json', 'b.json'])
    expect(() => parseCommandLine(files, ['-o', 'x'])).toThrow('needs at least 1 results file, got none')
  })
})
