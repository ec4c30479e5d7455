import { hitRects } from '../src/web/search-hits';
import { highlightPieces, parseSearchQuery } from '../src/search/tokenize';
import type { TextBox } from '../src/domain/text-boxes';

/** The characters a search matched, cut out of the import's text boxes (src/web/search-hits.ts). */
const pieces = (q: string) => parseSearchQuery(q)!.terms.flatMap(highlightPieces);

describe('hitRects', () => {
  // "标题\n数字经济发展迅速": a line run of eight characters, 20 px each, from x = 100.
  const text = '标题\n数字经济发展迅速';
  const boxes: TextBox[] = [
    { offset: 0, length: 2, x: 100, y: 10, w: 80, h: 40 },
    { offset: 3, length: 8, x: 100, y: 60, w: 160, h: 20 },
  ];

  test('a match inside a run of a line is cut along x in proportion', () => {
    expect(hitRects(text, boxes, pieces('经济'))).toEqual([{ x: 140, y: 60, w: 40, h: 20 }]);
  });

  test('a match covering a whole box is the box; matches in several boxes give one rectangle each', () => {
    expect(hitRects(text, boxes, pieces('标题 迅速'))).toEqual([{ x: 100, y: 10, w: 80, h: 40 }, { x: 220, y: 60, w: 40, h: 20 }]);
  });

  test('a column of vertical text is cut along y', () => {
    const vertical: TextBox[] = [{ offset: 3, length: 8, x: 500, y: 0, w: 20, h: 160 }];
    expect(hitRects(text, vertical, pieces('发展'))).toEqual([{ x: 500, y: 80, w: 20, h: 40 }]);
  });

  test('Latin words match whole words only, as the search does', () => {
    const latin = 'Congress and Congressional';
    const words: TextBox[] = [
      { offset: 0, length: 8, x: 0, y: 0, w: 80, h: 10 },
      { offset: 9, length: 3, x: 90, y: 0, w: 30, h: 10 },
      { offset: 13, length: 13, x: 130, y: 0, w: 130, h: 10 },
    ];
    expect(hitRects(latin, words, pieces('congress'))).toEqual([{ x: 0, y: 0, w: 80, h: 10 }]);
  });

  test('no match, no rectangle', () => {
    expect(hitRects(text, boxes, pieces('港口'))).toEqual([]);
  });
});
