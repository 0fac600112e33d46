// Where the browser bundle's bytes go: reads `twiggy top --format csv` of the
// optimised wasm (names kept) and prints the code and data per crate, largest
// first, then the largest single items. Run by ./scripts/bundle.
import { readFileSync } from 'node:fs';

const [csvPath, topItems = '25'] = process.argv.slice(2);
if (!csvPath) {
  console.error('usage: node bench/bundle.mjs <twiggy-top.csv> [items]');
  process.exit(2);
}

/** twiggy's CSV quotes names that hold commas; a small parser for that. */
function parseCsv(text) {
  const rows = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line) continue;
    const cells = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { cell += '"'; i += 1; }
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { cells.push(cell); cell = ''; }
      else cell += c;
    }
    cells.push(cell);
    rows.push({ name: cells[0], bytes: Number(cells[1]) });
  }
  return rows;
}

/** The crate an item belongs to: the first path segment, or for `<T as Trait>`
 * impls the implementing type's crate (that is whose code it is). */
function crateOf(name) {
  if (name.startsWith('data segment')) return '(data: strings, tables)';
  if (name.includes('subsection') || name.startsWith('custom section')) return '(names, custom sections)';
  if (/^(import|export|type|elem|code|table|memory|global)\b/.test(name)) return '(wasm module structure)';
  const m = /^<?(?:&(?:mut )?)?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)/.exec(name);
  if (!m) return '(other)';
  const head = m[1];
  // Generic impls on a type parameter (`<T as Trait>`) are monomorphised view
  // code in practice: count them apart so they are visible.
  if (/^[A-Z]$/.test(head)) return '(generic impls)';
  if (['char', 'str', 'u8', 'usize', 'isize', 'i32', 'u32', 'u64', 'f64'].includes(head)) return 'core';
  return head;
}

const rows = parseCsv(readFileSync(csvPath, 'utf8')).filter(
  (r) => !r.name.includes('names" subsection'),
);
const perCrate = new Map();
let total = 0;
for (const { name, bytes } of rows) {
  const crate = crateOf(name);
  perCrate.set(crate, (perCrate.get(crate) ?? 0) + bytes);
  total += bytes;
}
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
console.log(`per crate (wasm bytes before gzip, names stripped: ${total} in all)`);
for (const [crate, bytes] of [...perCrate].sort((a, b) => b[1] - a[1])) {
  if (bytes < total / 500) continue;
  console.log(`  ${String(bytes).padStart(8)} ${pct(bytes)}  ${crate}`);
}
console.log(`largest items`);
for (const { name, bytes } of rows.sort((a, b) => b.bytes - a.bytes).slice(0, Number(topItems))) {
  console.log(`  ${String(bytes).padStart(8)} ${pct(bytes)}  ${name.slice(0, 110)}`);
}
