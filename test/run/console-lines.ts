/** A run's events whose console lines (src/run/console-subscriber.ts) are collected in `lines`. */
import { attachConsole } from '../../src/run/console-subscriber.js'
import { RunEvents } from '../../src/run/events.js'

export function consoleInto(lines: string[]): RunEvents {
  const events = new RunEvents()
  attachConsole(events, { print: (line) => lines.push(line), printProgress: (text) => lines.push(text) })
  return events
}
