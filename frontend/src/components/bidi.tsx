// Content and people's words in their own language and direction: a French lesson in an Arabic page
// keeps its full stop on the right, an Arabic name in a French sentence its own order (issue 9).
import type { ComponentChildren } from 'preact';

/** The languages content is written in. */
export type TextLang = 'fr' | 'ar' | 'en';

/** `lang` and `dir` to spread on an element holding a piece of content or user text. */
export interface TextAttrs {
  lang?: TextLang;
  dir: 'ltr' | 'rtl' | 'auto';
}

function isTextLang(v: unknown): v is TextLang {
  return v === 'fr' || v === 'ar' || v === 'en';
}

/**
 * For a block of text in `language`: its `lang` and direction when the API says which it is,
 * else `dir="auto"` (the text's first strong letter decides: user text, names, mixed lists).
 */
export function textAttrs(language?: string | null): TextAttrs {
  return isTextLang(language) ? { lang: language, dir: language === 'ar' ? 'rtl' : 'ltr' } : { dir: 'auto' };
}

/**
 * A name or title inside a sentence of the interface: isolated (`<bdi>`), so its punctuation and the
 * sentence's stay on their own sides; with its language when known.
 */
export function Bdi({ lang, children, class: className }: { lang?: string | null; children: ComponentChildren; class?: string }) {
  return (
    <bdi class={className} {...(isTextLang(lang) ? textAttrs(lang) : {})}>
      {children}
    </bdi>
  );
}

/**
 * A sentence of the interface whose `{slots}` hold content or people's words: `text` is the
 * translation read without its variables (`t(key)`), each slot filled with its part, isolated.
 */
export function Sentence({ text, parts }: { text: string; parts: Record<string, ComponentChildren> }) {
  return (
    <>
      {text.split(/\{(\w+)\}/).map((piece, i) =>
        i % 2 === 1 ? (
          <bdi key={i} dir="auto">
            {parts[piece]}
          </bdi>
        ) : (
          piece
        ),
      )}
    </>
  );
}

/**
 * People's HTML (a forum post, server-sanitized) with `dir="auto"` on each paragraph, item, quote,
 * heading and cell: an Arabic post quoting a French one keeps each passage in its own direction and
 * on its own side, which one `dir` on the whole post cannot do.
 */
export function autoDirHtml(html: string): string {
  return html.replace(/<(p|li|blockquote|h[1-6]|pre|td|th|dd|dt)(?=[\s>])/gi, '<$1 dir="auto"');
}
