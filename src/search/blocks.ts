// Article body blocks as stored in article.body_json (import format v1).
// Local to search for now; the lead will move it into a shared types module.

export type TextBlockType = 'paragraph' | 'heading' | 'list' | 'quote';

export type Block =
  | { type: TextBlockType; text: string }
  | { type: 'image'; src: string; caption?: string | null };

/** The searchable text of each block: text blocks and image captions, in order. */
export function blockTexts(body: readonly Block[]): string[] {
  const out: string[] = [];
  for (const b of body) {
    if (b.type === 'image') {
      if (typeof b.caption === 'string' && b.caption !== '') out.push(b.caption);
    } else if (typeof b.text === 'string' && b.text !== '') {
      out.push(b.text);
    }
  }
  return out;
}
