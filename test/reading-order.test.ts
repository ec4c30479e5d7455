import fc from 'fast-check';
import { inReadingOrder } from '../src/importer/pdf/reading-order';

// Stories as named regions (PDF points, origin top-left); slack 5 pt (half a 10 pt body size).
type Story = { name: string; boxes: Array<{ x: number; y: number; w: number; h: number }> };
const story = (name: string, x: number, y: number, w: number, h: number): Story => ({ name, boxes: [{ x, y, w, h }] });
const order = (stories: Story[]) => inReadingOrder(stories, (s) => s.boxes, 5).map((s) => s.name);
/** Every order of the input gives the same reading: it depends on the page, not on how the segmenter listed the stories. */
const shuffledOrders = (stories: Story[]) => [stories, [...stories].reverse(), [...stories.slice(2), ...stories.slice(0, 2)]].map(order);

describe('reading order of the stories on a page', () => {
  test('a lead across the top, then two columns of stacked stories read column by column, although a line across meets none', () => {
    // Left column: gaps at 170–287 and 399–517; right: 223–332 and 505–560. A line at y = 250
    // (and at 510) meets no story, but the right column's stories do not start along it.
    const page = [
      story('lead', 28, 20, 710, 30),
      story('L1', 28, 58, 348, 112),
      story('L2', 28, 287, 348, 112),
      story('L3', 28, 517, 348, 193),
      story('R1', 389, 58, 348, 165),
      story('R2', 389, 332, 348, 173),
      story('R3', 389, 560, 348, 207),
    ];
    for (const read of shuffledOrders(page)) expect(read).toEqual(['lead', 'L1', 'L2', 'L3', 'R1', 'R2', 'R3']);
  });

  test('a band whose stories start along one line is read after everything above it', () => {
    // Two rows of four: the lower row starts at y = 772 in every column.
    const page = [
      story('a', 28, 388, 167, 320),
      story('b', 209, 388, 167, 248),
      story('c', 389, 388, 167, 261),
      story('d', 570, 388, 167, 355),
      story('e', 28, 772, 167, 290),
      story('f', 209, 772, 167, 231),
      story('g', 389, 772, 167, 275),
      story('h', 570, 772, 167, 276),
    ];
    for (const read of shuffledOrders(page)) expect(read).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  test('an L-shaped story comes before the stories it wraps, which are then read column by column', () => {
    const l: Story = { name: 'L', boxes: [{ x: 36, y: 66, w: 1033, h: 480 }, { x: 36, y: 546, w: 196, h: 950 }] };
    const page = [l, story('a', 245, 558, 196, 325), story('b', 245, 949, 196, 553), story('c', 454, 558, 406, 366), story('d', 873, 558, 196, 924)];
    for (const read of shuffledOrders(page)) expect(read).toEqual(['L', 'a', 'b', 'c', 'd']);
  });

  test('regions drawn a little into each other are still told apart', () => {
    // The right story starts 3 pt left of where the left one ends.
    expect(order([story('right', 373, 100, 300, 200), story('left', 28, 100, 348, 400), story('under', 28, 520, 645, 100)])).toEqual(['left', 'right', 'under']);
  });

  test('every story is read once, whatever the regions', () => {
    const region = fc.record({ x: fc.integer({ min: 0, max: 700 }), y: fc.integer({ min: 0, max: 1000 }), w: fc.integer({ min: 1, max: 400 }), h: fc.integer({ min: 1, max: 400 }) });
    fc.assert(
      fc.property(fc.array(fc.array(region, { minLength: 1, maxLength: 3 }), { maxLength: 12 }), (regions) => {
        const stories = regions.map((boxes, i) => ({ name: String(i), boxes }));
        expect(order(stories).sort()).toEqual(stories.map((s) => s.name).sort());
      }),
      { numRuns: 200 },
    );
  });
});
