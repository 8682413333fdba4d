/**
 * Grants to providers over time (bevillinger, 003): the numbers and the pure rules of the grant
 * case — temporary services that expire (Midlertidig indsats), adjusting to the delivered time
 * (Løbende justering) and the change of provider (Skift af leverandør).
 */
import { DateTime } from 'luxon';
import { addDays, weekdayOf, ZONE, type LocalDate } from './calendar.js';
import { codesOf } from './codes.js';

/** The grant case's rules, handed to it when it opens (a running grant keeps them). */
export interface GrantRules {
  /** A temporary grant's expiry decision is due this many days before its end day. Not in the sources: 14. */
  expiryLeadDays: number;
  /** 003 "Skift af leverandør": the current provider is given one month's notice. */
  providerNoticeMonths: number;
  /** The assessor reassesses a grant this many days after a significant deviation was reported. Not in the sources: 14. */
  reassessmentDays: number;
}

export const defaultGrantRules: GrantRules = { expiryLeadDays: 14, providerNoticeMonths: 1, reassessmentDays: 14 };

/**
 * After a change of provider the old provider reads the grant (need to know) until its last day
 * and this many days more: time to report the delivered time of its last weeks. Not in the
 * sources.
 */
export const PREVIOUS_PROVIDER_READS_DAYS = 14;

/**
 * 003 "Løbende justering": a change is significant when it has lasted more than 14 days and the
 * delivered time deviates more than ±10 % from the granted time — except that the grant is not
 * adjusted when the change is under 10 minutes per delivery and under 20 minutes a week on average.
 */
export const DELIVERED_TIME_RULE = {
  /** More than this many days. */
  minDays: 14,
  /** More than this percentage of the granted time, either way. */
  maxDeviationPercent: 10,
  /** Under this many minutes per delivery … */
  smallPerDeliveryMinutes: 10,
  /** … and under this many minutes a week on average: not adjusted. */
  smallPerWeekMinutes: 20,
} as const;

export interface DeliveredTimeInput {
  /** Granted minutes per delivery. */
  grantedMinutesPerDelivery: number;
  /** Granted deliveries per week. */
  deliveriesPerWeek: number;
  /** Delivered minutes per delivery, on average over the period. */
  deliveredMinutesPerDelivery: number;
  /** How many days the deviation has lasted. */
  days: number;
}

export type DeliveredTimeVerdict =
  | { significant: true; reason: 'per_delivery' | 'per_week'; changePerDelivery: number; changePerWeek: number; deviationPercent: number }
  | { significant: false; reason: 'within_10_percent' | 'not_lasting' | 'small_change'; changePerDelivery: number; changePerWeek: number; deviationPercent: number };

/**
 * Whether the delivered time is a significant change of the grant (003). Pure. "More than"
 * is strict: exactly 14 days or exactly 10 % is not significant; "under" is strict: exactly 10
 * minutes per delivery or exactly 20 minutes a week is not small.
 */
export function deliveredTimeVerdict(i: DeliveredTimeInput): DeliveredTimeVerdict {
  const changePerDelivery = Math.abs(i.deliveredMinutesPerDelivery - i.grantedMinutesPerDelivery);
  const changePerWeek = changePerDelivery * i.deliveriesPerWeek;
  // in hundredths of a percent, rounded: 10 % of 5 minutes is exactly 10 % (no floating-point excess)
  const deviationPercent = i.grantedMinutesPerDelivery > 0 ? Math.round((changePerDelivery / i.grantedMinutesPerDelivery) * 10_000) / 100 : Infinity;
  const figures = { changePerDelivery, changePerWeek, deviationPercent };
  const r = DELIVERED_TIME_RULE;
  if (!(deviationPercent > r.maxDeviationPercent)) return { significant: false, reason: 'within_10_percent', ...figures };
  if (!(i.days > r.minDays)) return { significant: false, reason: 'not_lasting', ...figures };
  if (changePerDelivery < r.smallPerDeliveryMinutes && changePerWeek < r.smallPerWeekMinutes) return { significant: false, reason: 'small_change', ...figures };
  return { significant: true, reason: changePerDelivery >= r.smallPerDeliveryMinutes ? 'per_delivery' : 'per_week', ...figures };
}

/** One week's report of delivered time (the week starting on a Monday). */
export interface DeliveredWeek {
  weekStart: LocalDate;
  /** Minutes delivered that week in all. */
  minutes: number;
}

/**
 * The verdict on the latest run of consecutive weeks that all deviate more than ±10 % the same
 * way (the run's days = 7 per week; its average minutes per delivery over the granted deliveries).
 * Undefined when the latest week does not deviate.
 */
export function deliveredTimeOfWeeks(weeks: readonly DeliveredWeek[], granted: { minutesPerDelivery: number; deliveriesPerWeek: number }): DeliveredTimeVerdict | undefined {
  const sorted = [...weeks].sort((a, b) => a.weekStart.localeCompare(b.weekStart));
  const perDelivery = (w: DeliveredWeek) => w.minutes / granted.deliveriesPerWeek;
  const sign = (w: DeliveredWeek) => {
    const v = deliveredTimeVerdict({ grantedMinutesPerDelivery: granted.minutesPerDelivery, deliveriesPerWeek: granted.deliveriesPerWeek, deliveredMinutesPerDelivery: perDelivery(w), days: Infinity });
    return v.reason === 'within_10_percent' ? 0 : Math.sign(perDelivery(w) - granted.minutesPerDelivery);
  };
  const last = sorted.at(-1);
  if (!last || sign(last) === 0) return undefined;
  const run: DeliveredWeek[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const w = sorted[i]!;
    const next = run[0];
    if (sign(w) !== sign(last) || (next && addDays(w.weekStart, 7) !== next.weekStart)) break;
    run.unshift(w);
  }
  const average = run.reduce((s, w) => s + perDelivery(w), 0) / run.length;
  return deliveredTimeVerdict({ grantedMinutesPerDelivery: granted.minutesPerDelivery, deliveriesPerWeek: granted.deliveriesPerWeek, deliveredMinutesPerDelivery: average, days: run.length * 7 });
}

/**
 * 003 "Skift af leverandør": notice given on `noticeOn` runs `months` calendar months (to the
 * same day of the month, or the month's last day: 31 January + 1 month = 28 February); the grant
 * passes to the new provider on the first day after the notice.
 */
export function providerChangeDay(noticeOn: LocalDate, months: number): { lastDayOfOld: LocalDate; firstDayOfNew: LocalDate } {
  const lastDayOfOld = DateTime.fromISO(noticeOn, { zone: ZONE }).plus({ months }).toISODate()!;
  return { lastDayOfOld, firstDayOfNew: addDays(lastDayOfOld, 1) };
}

/** The day a temporary grant's expiry decision is due. */
export function expiryDecisionDay(endsOn: LocalDate, leadDays: number): LocalDate {
  return addDays(endsOn, -leadDays);
}

/** A Monday (the weeks of delivered time start on Mondays). */
export function isMonday(day: LocalDate): boolean {
  return weekdayOf(day) === 1;
}


/**
 * Why a grant was decided as it was (begrundelse), as a code with the Danish text the letter
 * states. The assessor's own words go in the journal; the letter states the code's text.
 */
export const GRANT_REASONS = {
  need_assessed: 'behovet er vurderet ved visitationen ud fra kvalitetsstandarden',
  after_hospital_discharge: 'behovet efter udskrivning fra sygehus',
  after_temporary_stay: 'behovet efter det midlertidige ophold',
  need_changed: 'dit behov har ændret sig',
  delivered_time_deviates: 'den leverede tid har i mere end 14 dage afveget væsentligt fra den bevilgede',
  temporary_need_ended: 'det midlertidige behov er ophørt',
  no_need: 'du kan selv klare opgaven, eller behovet ligger uden for kvalitetsstandarden',
  covered_otherwise: 'behovet dækkes på anden måde',
  citizen_request: 'efter dit ønske',
  citizen_chose_provider: 'du har valgt en anden godkendt leverandør (frit valg)',
  citizen_moved_or_died: 'du er flyttet, eller hjælpen er ikke længere relevant',
} as const;
export type GrantReason = keyof typeof GRANT_REASONS;
export const GRANT_REASON_CODES = codesOf(GRANT_REASONS);
