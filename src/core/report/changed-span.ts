/** Where two versions of a text differ: [start, oldEnd) of the old text became [start, newEnd) of the new. */
interface ChangedSpan {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** The one span that covers every difference between two versions of a text, from their common prefix and suffix. */
export function changedSpan(old: string, text: string): ChangedSpan {
  const start = commonPrefixLength(old, text);
  const suffix = commonSuffixLength(old, text, start);
  return { start, oldEnd: old.length - suffix, newEnd: text.length - suffix };
}

/**
 * Length of the common prefix, by halving: slices are compared natively, many times faster on a 1 MB
 * text than comparing character by character in a loop.
 */
function commonPrefixLength(a: string, b: string): number {
  let low = 0;
  let high = Math.min(a.length, b.length);
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (a.slice(low, middle) === b.slice(low, middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Length of the common suffix that does not overlap the common prefix. */
function commonSuffixLength(a: string, b: string, prefix: number): number {
  let low = 0;
  let high = Math.min(a.length, b.length) - prefix;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (a.slice(a.length - middle, a.length - low) === b.slice(b.length - middle, b.length - low)) low = middle;
    else high = middle - 1;
  }
  return low;
}
