/** The booked interval stay's rules (pure): which decision may be made when, and why not. */
import { describe, expect, it } from 'vitest';
import { localInstant } from '../domain/calendar.js';
import { refusal } from '../workflows/interval-stay/state.js';

const period = { from: '2027-01-11', to: '2027-01-17' };
const at = (day: string, hour = 10) => localInstant(day, hour);

describe('interval stay: the decisions and when they may be made', () => {
  it('arrival only within the booked period, once', () => {
    expect(refusal('arrived', 'booked', period, at('2027-01-10', 23))).toBe('the booked period is 2027-01-11 – 2027-01-17');
    expect(refusal('arrived', 'booked', period, at('2027-01-11', 0))).toBeUndefined();
    expect(refusal('arrived', 'booked', period, at('2027-01-17', 23))).toBeUndefined();
    expect(refusal('arrived', 'booked', period, at('2027-01-18', 0))).toContain('booked period');
    expect(refusal('arrived', 'arrived', period, at('2027-01-12'))).toBe('the citizen has arrived already');
  });
  it('a no-show from the first day, before arrival; a cancellation before arrival', () => {
    expect(refusal('no_show', 'booked', period, at('2027-01-10'))).toContain('cancel the booking instead');
    expect(refusal('no_show', 'booked', period, at('2027-01-11', 0))).toBeUndefined();
    expect(refusal('no_show', 'arrived', period, at('2027-01-12'))).toContain('end the stay instead');
    expect(refusal('cancel', 'booked', period, at('2027-01-01'))).toBeUndefined();
    expect(refusal('cancel', 'arrived', period, at('2027-01-12'))).toContain('end the stay instead');
  });
  it('the end only after arrival, also after the last day; nothing once closed', () => {
    expect(refusal('ended', 'booked', period, at('2027-01-12'))).toContain('has not arrived');
    expect(refusal('ended', 'arrived', period, at('2027-01-13'))).toBeUndefined();
    expect(refusal('ended', 'arrived', period, at('2027-01-20'))).toBeUndefined();
    for (const action of ['arrived', 'no_show', 'ended', 'cancel'] as const) expect(refusal(action, 'closed', period, at('2027-01-12'))).toBe('the interval stay is closed');
  });
});
