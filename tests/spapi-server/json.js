// Lossless JSON: parse keeping every number's own text (RawNumber) and serialize it back verbatim.
'use strict';

// A JSON number kept as its source text, so amounts with more digits than a double survive.
class RawNumber {
  constructor(text) {
    if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new Error(`not a JSON number: ${text}`);
    this.text = text;
  }
  // A marker that stringify() below turns back into the bare number text (JSON.stringify alone
  // would have to go through a double).
  toJSON() { return `${MARK}${this.text}${MARK}`; }
}
const MARK = '\u0000raw\u0000';
const MARKED = /"\\u0000raw\\u0000([-+.\deE]+)\\u0000raw\\u0000"/g;

// Parses JSON text; numbers become RawNumber, everything else plain JS values.
function parse(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const fail = (what) => { throw new SyntaxError(`JSON: ${what} at offset ${i}`); };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const obj = {}; ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws(); if (text[i] !== '"') fail('expected key');
        const key = string(); ws();
        if (text[i++] !== ':') fail('expected :');
        obj[key] = value(); ws();
        const d = text[i++];
        if (d === '}') return obj;
        if (d !== ',') fail('expected , or }');
      }
    }
    if (c === '[') {
      i++; const arr = []; ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value()); ws();
        const d = text[i++];
        if (d === ']') return arr;
        if (d !== ',') fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character');
    i += m[0].length;
    return new RawNumber(m[0]);
  };
  const string = () => {
    // Find the closing quote (skipping escapes) and let JSON.parse decode the literal.
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= text.length) fail('unterminated string');
    const s = JSON.parse(text.slice(i, j + 1));
    i = j + 1;
    return s;
  };
  const v = value(); ws();
  if (i !== text.length) fail('trailing text');
  return v;
}

// Compact serialization identical to JSON.stringify except that RawNumber is written as its text.
// Native JSON.stringify does the work (it is several times faster than a hand-written walk).
function stringify(v) {
  const text = JSON.stringify(v);
  return text.includes('\\u0000raw\\u0000') ? text.replace(MARKED, '$1') : text;
}

module.exports = { RawNumber, parse, stringify };
