/**
 * Power draw per GPU from `nvidia-smi --query-gpu=index,power.draw --format=csv` (NVIDIA's
 * nvidia-smi(1): one row per GPU, a header naming each field with its unit, values with the unit,
 * e.g. `index, power.draw [W]` / `0, 187.80 W`; `noheader` drops the header, `nounits` the units,
 * and a GPU that cannot report prints `[N/A]`). Also accepted: `power.draw` alone (row i is GPU i),
 * and any column order when the header names them.
 */

/** Watts per GPU index; GPUs reporting N/A are left out, and `problems` says why a row was not read. */
export interface PowerReading {
  watts: Map<number, number>
  problems: string[]
}

const cells = (line: string) => line.split(',').map((c) => c.trim())

/** A power cell: "187.80 W", "187.80", or "[N/A]" / "N/A" (undefined). */
function watts(cell: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(W)?$/i.exec(cell)
  return m ? Number(m[1]) : undefined
}

export function parsePowerCsv(text: string): PowerReading {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0)
  const out: PowerReading = { watts: new Map(), problems: [] }
  if (lines.length === 0) {
    out.problems.push('the power command printed nothing')
    return out
  }
  const first = cells(lines[0]!)
  // A header names fields ("index", "power.draw [W]"); a data row holds numbers, units and [N/A].
  const header = first.some((c) => /^[a-z]/i.test(c))
  // Without a header: `power.draw` alone, or `index, power.draw` (the order the docs show).
  const powerCol = header ? first.findIndex((c) => /^power\.draw(\s*\[W\])?$/i.test(c)) : first.length === 1 ? 0 : 1
  const indexCol = header ? first.findIndex((c) => /^index$/i.test(c)) : first.length === 1 ? -1 : 0
  if (powerCol < 0) {
    out.problems.push(`no power.draw column in "${lines[0]}" (e.g. nvidia-smi --query-gpu=index,power.draw --format=csv)`)
    return out
  }
  lines.slice(header ? 1 : 0).forEach((line, row) => {
    const c = cells(line)
    const index = indexCol >= 0 ? Number(c[indexCol]) : row
    const w = watts(c[powerCol] ?? '')
    if (!Number.isInteger(index) || index < 0) out.problems.push(`power row "${line}": no GPU index`)
    else if (w === undefined) out.problems.push(`GPU ${index}: power.draw "${c[powerCol] ?? ''}" is not a reading`)
    else out.watts.set(index, w)
  })
  return out
}
