import { Marked, type Tokens } from 'marked';

/**
 * Markdown for model and user messages. Whatever an agent or a model wrote
 * is untrusted: raw HTML is shown as text, links keep only web addresses, and
 * images are named, never loaded.
 */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SAFE_URL = /^(https?:|mailto:|#)/i;

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    link(
      this: { parser: { parseInline: (t: Tokens.Link['tokens']) => string } },
      token: Tokens.Link,
    ): string {
      const text = this.parser.parseInline(token.tokens);
      if (!SAFE_URL.test(token.href.trim())) return text;
      return `<a href="${escapeHtml(token.href)}" rel="noopener noreferrer" target="_blank">${text}</a>`;
    },
    image({ text }: Tokens.Image): string {
      return `<span class="md-image">[image: ${escapeHtml(text)}]</span>`;
    },
  },
});

export function markdownToHtml(text: string): string {
  return marked.parse(text, { async: false }) as string;
}
