/** The grant case's pure transitions (workflows/grant/state.ts): who may report which week, a change, a change of provider. */
import { describe, expect, it } from 'vitest';
import { defaultGrantRules } from '../domain/grants.js';
import { localInstant } from '../domain/calendar.js';
import {
  changed,
  checkChange,
  checkEnd,
  checkExpiryDecision,
  checkProviderChange,
  checkReport,
  deliveredVerdict,
  endDecided,
  endInstant,
  openedState,
  providerChanged,
  providerChangeDecided,
  providerChangeInstant,
  reported,
} from '../workflows/grant/state.js';

const granted = () => openedState({ serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 5, deliveriesPerWeek: 5, startsOn: '2026-03-02' }, 'privat-a', 'granted');

describe('grant state', () => {
  it('change of provider: the old provider reports until its last day, the new one from its first', () => {
    let s = providerChangeDecided(granted(), 'privat-b', '2026-05-31', defaultGrantRules);
    expect(s.providerChange).toEqual({ toProviderCode: 'privat-b', noticeOn: '2026-05-31', lastDayOfOld: '2026-06-30', firstDayOfNew: '2026-07-01' });
    expect(providerChangeInstant(s)).toBe(localInstant('2026-07-01'));
    expect(() => checkProviderChange(s, 'kommune-hjemmepleje')).toThrow(/under notice/);
    expect(() => checkReport(s, { providerCode: 'privat-a', weekStart: '2026-06-29', minutes: 25 })).not.toThrow();
    expect(() => checkReport(s, { providerCode: 'privat-a', weekStart: '2026-07-06', minutes: 25 })).toThrow(/does not deliver/);
    expect(() => checkReport(s, { providerCode: 'privat-b', weekStart: '2026-06-29', minutes: 25 })).toThrow(/does not deliver/);
    s = providerChanged(s);
    expect(s).toMatchObject({ providerCode: 'privat-b', previousProvider: { providerCode: 'privat-a', until: '2026-06-30' } });
    expect(s.providerChange).toBeUndefined();
    expect(() => checkReport(s, { providerCode: 'privat-a', weekStart: '2026-06-29', minutes: 25 })).not.toThrow();
    expect(() => checkReport(s, { providerCode: 'privat-b', weekStart: '2026-07-06', minutes: 25 })).not.toThrow();
    expect(() => checkProviderChange(s, 'privat-b')).toThrow(/already handed/);
    // the new provider reports from the week of its first day (2026-07-01 is a Wednesday), not the old one's weeks
    expect(() => checkReport(s, { providerCode: 'privat-b', weekStart: '2026-06-22', minutes: 25 })).toThrow(/does not deliver/);
    expect(() => checkReport(s, { providerCode: 'privat-b', weekStart: '2026-06-29', minutes: 25 })).not.toThrow();
  });

  it('a change of provider is refused when the grant ends before the new provider would start', () => {
    const t = openedState({ serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 5, deliveriesPerWeek: 5, startsOn: '2026-03-02', endsOn: '2026-06-15' }, 'privat-a', 'granted');
    expect(() => checkProviderChange(t, 'privat-b', '2026-05-20', defaultGrantRules)).toThrow(/before the new provider's first day 2026-06-21/);
    expect(() => checkProviderChange(t, 'privat-b', '2026-05-14', defaultGrantRules)).not.toThrow();
  });

  it('the weeks of two providers in one week are added together; a change judges afresh', () => {
    let s = granted();
    for (const w of ['2026-03-02', '2026-03-09']) s = reported(s, { providerCode: 'privat-a', weekStart: w, minutes: 50 });
    s = reported(s, { providerCode: 'privat-a', weekStart: '2026-03-16', minutes: 30 });
    s = reported(s, { providerCode: 'privat-b', weekStart: '2026-03-16', minutes: 20 });
    expect(deliveredVerdict(s)).toMatchObject({ significant: true, reason: 'per_week' });
    s = changed(s, { minutesPerDelivery: 10, deliveriesPerWeek: 5, fromDay: '2026-03-23' });
    expect(deliveredVerdict(s)).toBeUndefined();
    expect(s.decisions).toBe(2);
  });

  it('a change or an end is decided from today; the end is the start of the day after the last day', () => {
    const s = granted();
    expect(() => checkChange(s, { fromDay: '2026-03-09' }, '2026-03-10')).toThrow(/before today/);
    expect(() => checkChange(s, { fromDay: '2026-03-12', endsOn: '2026-03-11' }, '2026-03-10')).toThrow(/before fromDay/);
    expect(() => checkEnd(s, '2026-03-08', '2026-03-10')).toThrow(/before yesterday/);
    const e = endDecided(s, '2026-03-31');
    expect(endInstant(e)).toBe(localInstant('2026-04-01'));
    expect(e.endDecided).toBe(true);
  });

  it('a decided end stands: a change keeps it, a change naming an end or a later end is refused', () => {
    // permanent: a change after the decided end keeps the last day (it used to undo it)
    const e = endDecided(granted(), '2026-03-31');
    const c = changed(e, { minutesPerDelivery: 10, deliveriesPerWeek: 5, fromDay: '2026-03-20' });
    expect(c).toMatchObject({ endDay: '2026-03-31', endDecided: true, terms: { minutesPerDelivery: 10 } });
    expect(endInstant(c)).toBe(localInstant('2026-04-01'));
    expect(() => checkChange(e, { fromDay: '2026-03-20' }, '2026-03-10')).not.toThrow();
    expect(() => checkChange(e, { fromDay: '2026-03-20', endsOn: null }, '2026-03-10')).toThrow(/end is decided \(last day 2026-03-31\)/);
    expect(() => checkChange(e, { fromDay: '2026-03-20', endsOn: '2026-05-31' }, '2026-03-10')).toThrow(/end is decided/);
    expect(() => checkEnd(e, '2026-04-15', '2026-03-10')).toThrow(/cannot prolong/);
    expect(() => checkEnd(e, '2026-03-20', '2026-03-10')).not.toThrow();
    // temporary: a decided earlier end stays through a change; the expiry is no longer to decide
    const t = endDecided(openedState({ serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 5, deliveriesPerWeek: 5, startsOn: '2026-03-02', endsOn: '2026-04-30' }, 'privat-a', 'granted'), '2026-03-31');
    expect(changed(t, { minutesPerDelivery: 10, deliveriesPerWeek: 5, fromDay: '2026-03-20' }).endDay).toBe('2026-03-31');
    expect(() => checkExpiryDecision(t)).toThrow(/end is decided/);
    expect(() => checkEnd(openedState(t.terms, 'privat-a', 'granted'), '2026-05-01', '2026-03-10')).toThrow(/cannot prolong/);
  });
});
