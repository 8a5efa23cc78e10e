/**
 * Escapes text from a corpus for display as Markdown. Besides Markdown syntax, it escapes the colon
 * and full stop, so that neither `https://…` nor `www.…` nor an e-mail address can turn into an
 * autolink: a source document must never be able to put a link in front of the author.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~:&@]/g, '\\$&').replace(/\r?\n/g, ' ');
}
