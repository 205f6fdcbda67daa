import { periodStarts } from '../../api/admin/pages/revenue';

describe('periodStarts: the revenue chart shows every period of its window', () => {
  it('lists each UTC day, the end excluded', () => {
    expect(periodStarts('2026-02-27', '2026-03-02', 'day')).toEqual(['2026-02-27T00:00:00Z', '2026-02-28T00:00:00Z', '2026-03-01T00:00:00Z']);
  });

  it('starts weeks on Monday, like the reports API', () => {
    // 2026-11-04 is a Wednesday.
    expect(periodStarts('2026-11-04', '2026-11-17', 'week')).toEqual(['2026-11-02T00:00:00Z', '2026-11-09T00:00:00Z', '2026-11-16T00:00:00Z']);
  });

  it('starts months on the first, across a year end', () => {
    expect(periodStarts('2026-11-15', '2027-01-02', 'month')).toEqual(['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z']);
  });
});
