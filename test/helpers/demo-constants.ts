/** The demo the tests run on: the committed typeset demo (demo/pdf), whose dates are fixed. */
export const DEMO_END_DATE = '2026-01-20';
export const DEMO_DAYS = 4;
export const DEMO_FIRST_DATE = '2026-01-17';
/** A moment after the last demo issue was published (06:00 +08:00). */
export const AFTER_DEMO = Date.parse('2026-01-21T12:00:00+08:00');
