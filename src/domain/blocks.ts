/**
 * Article body: structured blocks, never HTML, so nothing an editor types can inject markup.
 * `src` of an image block is a media store path once imported.
 */
export type TextBlock = { type: 'paragraph' | 'heading' | 'list' | 'quote'; text: string };
export type ImageBlock = { type: 'image'; src: string; caption?: string; width?: number; height?: number };
export type Block = TextBlock | ImageBlock;

export type Point = [number, number];
export type Polygon = Point[];
