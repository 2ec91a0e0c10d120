// Where the bench asks its questions: identifiers found by scanning Lua text (comments, strings and
// numbers skipped, keywords left out), picked with a seeded generator so that every run and every
// server gets the same positions. Positions are LSP positions (line, UTF-16 character).

const KEYWORDS = new Set([
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
]);

const isIdentStart = (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c) => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c) => c >= 48 && c <= 57;

// The level of a long bracket `[==[` opening at i (its `=` count), or -1 if there is none.
function longBracketLevel(text, i) {
  if (text[i] !== '[') return -1;
  let j = i + 1;
  while (text[j] === '=') j++;
  return text[j] === '[' ? j - i - 1 : -1;
}

// The index just past the long bracket's closing `]==]`, or the end of the text.
function skipLongBracket(text, i, level) {
  const close = ']' + '='.repeat(level) + ']';
  const end = text.indexOf(close, i + level + 2);
  return end < 0 ? text.length : end + close.length;
}

// Every identifier of `text` that is not a keyword: [{start, length}] in UTF-16 units.
export function scanIdentifiers(text) {
  const out = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 45 && text.charCodeAt(i + 1) === 45) {  // -- comment
      const level = longBracketLevel(text, i + 2);
      if (level >= 0) {
        i = skipLongBracket(text, i + 2, level);
      } else {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? n : nl;
      }
    } else if (c === 34 || c === 39) {  // "..." or '...'
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (c === 91 && longBracketLevel(text, i) >= 0) {  // [[long string]]
      i = skipLongBracket(text, i, longBracketLevel(text, i));
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {  // a number
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        const exponentSign = (d === 43 || d === 45) && /[eEpP]/.test(text[j - 1]);
        if (!isIdentPart(d) && d !== 46 && !exponentSign) break;
        j++;
      }
      i = j;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      if (!KEYWORDS.has(word)) out.push({ start: i, length: j - i });
      i = j;
    } else {
      i++;
    }
  }
  return out;
}

// Offsets where each line starts (after "\n", "\r\n" or a lone "\r", as LSP counts lines).
export function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

// The LSP position of a UTF-16 offset (JS strings index UTF-16 units, as LSP's default encoding).
export function positionAt(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

// mulberry32: a small, well-mixed 32-bit generator; the same seed gives the same picks.
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// `count` identifiers spread evenly over `files` ([{path, text}]), chosen with `seed`. Each pick
// gives the position inside the name (hover, definition, references) and the one just after it
// (completion, as if the name had just been typed).
export function pickPositions(files, count, seed) {
  const random = seededRandom(seed);
  const picks = [];
  files.forEach((file, index) => {
    const want = Math.floor(count / files.length) + (index < count % files.length ? 1 : 0);
    const idents = scanIdentifiers(file.text);
    const starts = lineStarts(file.text);
    // A partial Fisher-Yates shuffle: `want` distinct identifiers.
    for (let k = 0; k < want && k < idents.length; k++) {
      const j = k + Math.floor(random() * (idents.length - k));
      [idents[k], idents[j]] = [idents[j], idents[k]];
      const { start, length } = idents[k];
      picks.push({
        path: file.path,
        name: file.text.slice(start, start + length),
        inside: positionAt(starts, start + (length >> 1)),
        after: positionAt(starts, start + length),
      });
    }
  });
  return picks;
}
