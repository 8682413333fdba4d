/** The nursing-home follow-up's dates, pure: from the moving-in day and the case's rule set. */
import { addWeeks, localInstant, type LocalDate } from '../../domain/calendar.js';
import { NURSING_HOME_FOLLOW_UP_WEEKS, type RuleSet } from '../../domain/rules.js';

export const DECISION_KEY = 'individual-decision';

export interface FollowUpDates {
  /** At risk from 00:00 of this day (moving-in day + the at-risk weeks). */
  atRiskDay: LocalDate;
  atRiskAt: number;
  /** Due by the end of this day (moving-in day + the due weeks); escalates overnight after it. */
  dueDay: LocalDate;
}

/** 003: "ca. 3-6 uger efter indflytning": at risk from week 3, due at week 6 (configurable). */
export function followUpDates(movedInDay: LocalDate, rules: RuleSet): FollowUpDates {
  const weeks = rules.nursingHomeFollowUpWeeks ?? NURSING_HOME_FOLLOW_UP_WEEKS;
  const atRiskDay = addWeeks(movedInDay, Math.min(weeks.atRisk, weeks.due));
  return { atRiskDay, atRiskAt: localInstant(atRiskDay), dueDay: addWeeks(movedInDay, weeks.due) };
}
