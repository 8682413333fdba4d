/**
 * The business rules' numbers, in one place. Fixed rules cite their source document
 * (../shared/seeds); configurable defaults say "not in the sources".
 *
 * A `RuleSet` is handed to each workflow when its case opens, so a running case keeps the
 * rules it started with (deterministic replay) while new cases pick up changed configuration.
 */

/** 002: sagsbehandlingsfrist, 12 weeks = 84 calendar days from the day of receipt. */
export const PSYCHIATRIC_DEADLINE_DAYS = 84;
/** 002: status meetings (statusmøder) every 14 days on potential long courses. */
export const STATUS_MEETING_INTERVAL_DAYS = 14;
/** 002: a disagreement with the region must reach chief level (chefniveau) within one week. */
export const CHIEF_LEVEL_DAYS = 7;
/** 003: a decision sent to a provider after 14:30 that starts the same day also needs a phone call. */
export const PROVIDER_PHONE_CUTOFF = { hour: 14, minute: 30 } as const;
/** 004: citizens 65 or older are served by SUF (health & care), younger ones by SOF (social). */
export const SUF_AGE = 65;

/**
 * 003: waiting-list priority for a temporary 24-hour stay (midlertidigt døgnophold), highest first:
 * akut, indlagt færdigbehandlet, høj, middel, planlagt.
 */
export type Priority = 'akut' | 'indlagt_faerdigbehandlet' | 'hoej' | 'middel' | 'planlagt';
/** 003: allocation order of the priorities (index 0 is offered a vacant place first). */
export const PRIORITY_ORDER: readonly Priority[] = ['akut', 'indlagt_faerdigbehandlet', 'hoej', 'middel', 'planlagt'];

/** The codes of a code list (code → Danish name), as a non-empty tuple for an enum schema. */
function codesOf<K extends string>(list: Record<K, string>): [K, ...K[]] {
  return Object.keys(list) as [K, ...K[]];
}

/**
 * 003: the purpose of a temporary stay (formål med opholdet), as a category. The assessor writes
 * the purpose itself in the journal (003); only the category travels with the case, so no
 * health detail reaches the workflow history.
 */
export const STAY_PURPOSES = {
  acute_care: 'akut pleje og omsorg',
  care_after_discharge: 'pleje efter udskrivning',
  rehabilitation: 'genoptræning',
  clarify_services: 'afklaring af indsatser',
  clarify_housing: 'afklaring af boligform',
  awaiting_nursing_home: 'venter på plejebolig',
  respite: 'aflastning',
  interval_stay: 'intervalophold',
} as const;
export type StayPurpose = keyof typeof STAY_PURPOSES;
export const STAY_PURPOSE_CODES = codesOf(STAY_PURPOSES);

/**
 * 003: why a waiting citizen's priority changes: the criterion of the priority list that now
 * applies, or that the situation changed otherwise (the details go in the journal).
 */
export const PRIORITY_CHANGE_REASONS = {
  acute_event: 'akut opstået hændelse (akut)',
  no_help_for_vital_needs: 'kan ikke få hjælp til livsvigtige behov (akut)',
  danger_to_self: 'til fare for sig selv (akut)',
  cannot_call_for_help: 'kan ikke reagere på behov for akut hjælp (akut)',
  finished_treatment_in_hospital: 'indlagt og færdigbehandlet, kan ikke komme hjem (indlagt færdigbehandlet)',
  no_help_at_home: 'kan ikke få den nødvendige hjælp i hjemmet (høj)',
  clarify_services_or_housing: 'behov for afklaring af indsatser eller boligform (middel)',
  nursing_home_granted: 'visiteret til plejebolig og kan ikke blive hjemme imens (middel)',
  planned_stay: 'planlagt ophold eller aflastning af ægtefælle (planlagt)',
  situation_improved: 'situationen er bedret',
  situation_worsened: 'situationen er forværret',
} as const;
export type PriorityChangeReason = keyof typeof PRIORITY_CHANGE_REASONS;
export const PRIORITY_CHANGE_REASON_CODES = codesOf(PRIORITY_CHANGE_REASONS);

/**
 * Not in the sources (operations): an offer the database refused because the citizen still
 * held an offer or a stay on another place (its release not yet written) is tried again after
 * this many minutes, so nobody is passed over for good.
 */
export const REFUSED_OFFER_RETRY_MINUTES = 15;

export interface BedDayRules {
  /** 1 = the day after the færdigmelding is the first paid day; 0 = the færdigmelding day itself. */
  firstPaidDayOffset: 0 | 1;
  /** Whether the discharge day is a paid day. */
  countDischargeDay: boolean;
}

export interface RuleSet {
  /** Local hour (Europe/Copenhagen) at which overnight escalations fire after the due day. Not in the sources: 00. */
  escalationLocalHour: number;
  /** Warnings before the 12-week deadline, in weeks after receipt. Not in the sources: 8 and 11. */
  psychiatricWarningWeeks: number[];
  bedDays: BedDayRules;
  /** Reply deadline for an offered temporary place, in hours. Not in the sources: 24. */
  offerReplyHours: number;
  /** Follow-up home visit after discharge home, due within this many days. Not in the sources: 7. */
  followUpVisitDays: number;
  /** Reassessment of a temporary stay, due this many days before its end date. Not in the sources: 7. */
  stayReviewDaysBeforeEnd: number;
  /** Hospital discharge: working days after receipt of the care plan by which the vulnerability assessment is due. Not in the sources: 1 (end of the next working day). */
  vulnerabilityAssessmentWorkingDays: number;
  /** Hospital discharge: local visitation's follow-up of more help at home, due this many days after discharge. Not in the sources: 14. */
  helpFollowUpDays: number;
}

export const defaultRules: RuleSet = {
  escalationLocalHour: 0,
  psychiatricWarningWeeks: [8, 11],
  bedDays: { firstPaidDayOffset: 1, countDischargeDay: false },
  offerReplyHours: 24,
  followUpVisitDays: 7,
  stayReviewDaysBeforeEnd: 7,
  vulnerabilityAssessmentWorkingDays: 1,
  helpFollowUpDays: 14,
};

/** Builds the rule set from validated configuration (see config/index.ts). */
export function rulesFromConfig(config: {
  ESCALATION_LOCAL_HOUR: number;
  PSYCHIATRIC_WARNING_WEEKS: string;
  BED_DAY_FIRST_PAID_OFFSET: number;
  BED_DAY_COUNT_DISCHARGE_DAY: boolean;
  OFFER_REPLY_HOURS: number;
  FOLLOW_UP_VISIT_DAYS: number;
  STAY_REVIEW_DAYS_BEFORE_END: number;
  VULNERABILITY_ASSESSMENT_WORKING_DAYS: number;
  HELP_FOLLOW_UP_DAYS: number;
}): RuleSet {
  return {
    escalationLocalHour: config.ESCALATION_LOCAL_HOUR,
    psychiatricWarningWeeks: config.PSYCHIATRIC_WARNING_WEEKS.split(',').map(Number),
    bedDays: {
      firstPaidDayOffset: config.BED_DAY_FIRST_PAID_OFFSET === 0 ? 0 : 1,
      countDischargeDay: config.BED_DAY_COUNT_DISCHARGE_DAY,
    },
    offerReplyHours: config.OFFER_REPLY_HOURS,
    followUpVisitDays: config.FOLLOW_UP_VISIT_DAYS,
    stayReviewDaysBeforeEnd: config.STAY_REVIEW_DAYS_BEFORE_END,
    vulnerabilityAssessmentWorkingDays: config.VULNERABILITY_ASSESSMENT_WORKING_DAYS,
    helpFollowUpDays: config.HELP_FOLLOW_UP_DAYS,
  };
}
