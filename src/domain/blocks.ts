import { z } from 'zod';
import { optionalText, relativePath, requiredText } from './fields';

/**
 * Article body: structured blocks, never HTML, so nothing an editor types can inject markup.
 * Each block type is one schema here. A new type joins bodyBlockSchema (and storedBlockSchema,
 * with what the importer adds to it), then the places that read bodies: blockTexts() below
 * (search index, character count), views/article.ejs and, for a file, the importer's media check.
 */

// Strict: an unknown key (a typo such as captoin) is an error, not a field dropped.
export const textBlockSchema = z.strictObject({
  type: z.enum(['paragraph', 'heading', 'list', 'quote']),
  text: requiredText(20000, 'multiline'),
});

/** The marks that open a list line (● 要点) in Chinese papers. */
export const LIST_BULLET = /^[●◆■▲★◎•]/;

/**
 * A list line's mark and its text after it (and the space that follows the
 * mark): the reader's page draws the mark once, as the list item's marker.
 */
export function splitListBullet(text: string): { bullet: string | null; text: string } {
  const m = LIST_BULLET.exec(text);
  return m ? { bullet: m[0], text: text.slice(m[0].length).trimStart() } : { bullet: null, text };
}

/** As written in issue.json: `src` names a file of the issue folder. */
export const imageBlockSchema = z.strictObject({
  type: z.literal('image'),
  src: relativePath,
  caption: optionalText(500),
});

export const bodyBlockSchema = z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema]);

/** As stored in article.body_json: `src` is the media store path, with the image's pixel size. */
export const storedImageBlockSchema = imageBlockSchema.extend({
  src: z.string(),
  caption: z.string().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});

export const storedBlockSchema = z.discriminatedUnion('type', [textBlockSchema, storedImageBlockSchema]);

/** A block as an issue.json may write it. */
export type ManifestBlock = z.input<typeof bodyBlockSchema>;
export type TextBlock = z.infer<typeof textBlockSchema>;
/** A block of an imported article. */
export type Block = z.infer<typeof storedBlockSchema>;

/** A hotspot corner: pixels from the page image's top left. */
export const pointSchema = z.tuple([z.number().int().min(0), z.number().int().min(0)]);
/** An article's outline on its page image. */
export const polygonSchema = z.array(pointSchema).min(3).max(64);

export type Point = z.infer<typeof pointSchema>;
export type Polygon = z.infer<typeof polygonSchema>;

/** The readable text of each block, in order: text blocks and image captions (what is indexed and counted). */
export function blockTexts(body: readonly Block[]): string[] {
  const out: string[] = [];
  for (const b of body) {
    const text = b.type === 'image' ? b.caption : b.text;
    if (typeof text === 'string' && text !== '') out.push(text);
  }
  return out;
}

/** An article's body as plain text: its readable texts, one paragraph a line (the JSON, the manifest and the bulk export). */
export function plainText(body: readonly Block[]): string {
  return blockTexts(body).join('\n');
}

/** The smallest rectangle holding a polygon, in the same pixels: x, y, width, height. */
export function polygonBounds(polygon: Polygon): { x: number; y: number; width: number; height: number } {
  const xs = polygon.map(([x]) => x);
  const ys = polygon.map(([, y]) => y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}
