/**
 * The business rules' numbers, in one place. Fixed rules cite their source document
 * (../shared/seeds); configurable defaults say "not in the sources".
 *
 * A `RuleSet` is handed to each workflow when its case opens, so a running case keeps the
 * rules it started with (deterministic replay) while new cases pick up changed configuration.
 */
import { codesOf } from './codes.js';
import { defaultGrantRules, type GrantRules } from './grants.js';

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
 * 002: the citizen has a free choice among the housing offers (botilbud) where a place is vacant.
 * A placement that departs from the citizen's recorded choice while that choice still has a vacant
 * place needs one of these reasons (recorded with the placement and in the case history). Not in
 * the sources: the list itself.
 */
export const CHOICE_OVERRIDE_REASONS = {
  chosen_offer_cannot_meet_need: 'det valgte tilbud kan ikke løfte borgerens behov',
  citizen_changed_choice: 'borgeren har ændret sit valg (inddragelsen er registreret igen)',
  chief_level_decision: 'afgjort på chefniveau (anden støtte udpeget)',
} as const;
export type ChoiceOverrideReason = keyof typeof CHOICE_OVERRIDE_REASONS;
export const CHOICE_OVERRIDE_REASON_CODES = codesOf(CHOICE_OVERRIDE_REASONS);

/**
 * 002: an external place is bought "where none exists" in the municipality's own offers. A purchase
 * while an own offer has a vacant place needs one of these reasons. Not in the sources: the list.
 */
export const EXTERNAL_PURCHASE_REASONS = {
  no_vacant_own_place_fits: 'ingen ledig plads i egne tilbud passer til behovet',
  citizen_chose_external_offer: 'borgerens frie valg af et eksternt tilbud',
  chief_level_decision: 'afgjort på chefniveau',
} as const;
export type ExternalPurchaseReason = keyof typeof EXTERNAL_PURCHASE_REASONS;
export const EXTERNAL_PURCHASE_REASON_CODES = codesOf(EXTERNAL_PURCHASE_REASONS);

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
  /**
   * Municipal closing days (lukkedage), skipped by every working-day deadline besides weekends
   * and public holidays: `MM-DD` yearly, `YYYY-MM-DD` once, `easter±N` yearly (calendar.ts).
   * Not in the sources (brief: "typically 5 June, 24 and 31 December"). Absent in the rule sets
   * of cases opened before closing days existed: those keep counting without them.
   */
  closingDays?: string[];
  /**
   * Nursing-home follow-up (plejebolig, 003: "ca. 3-6 uger efter indflytning"): the individual
   * decision is at risk from this many weeks after moving in and due by the end of the day this
   * many weeks after it. Absent in the rule sets of cases opened before it existed: the defaults.
   */
  nursingHomeFollowUpWeeks?: { atRisk: number; due: number };
  /**
   * Complaints (klagesager, retssikkerhedsloven § 66): the authority reconsiders within this many
   * weeks of the municipality's receipt of the complaint. Absent in older rule sets: the default.
   */
  complaintReconsiderationWeeks?: number;
  /**
   * The grant case's rules (bevilling, 003: expiry lead days, reassessment days, provider notice
   * months): every grant case takes them from here when it opens — by `POST /grants` or as the
   * child of a hospital discharge or a stay. Absent in older rule sets: the defaults.
   */
  grant?: GrantRules;
}

/** 003 "Plejeboliger": the individual decision is ensured about 3–6 weeks after moving in. */
export const NURSING_HOME_FOLLOW_UP_WEEKS = { atRisk: 3, due: 6 } as const;
/** Law (retssikkerhedsloven § 66; domain brief "Rules from law"): reconsider within 4 weeks of receipt. */
export const COMPLAINT_RECONSIDERATION_WEEKS = 4;
/**
 * 003: a complaint about the delivery goes to the provider, who answers in writing by the deadline
 * stated in the request ("Tidsfrist fremgår af anmodningen"). Not in the sources: 14 days unless
 * the assessor states another day.
 */
export const COMPLAINT_PROVIDER_ANSWER_DAYS = 14;

/** The default municipal closing days: Grundlovsdag (5 June), juleaftensdag (24 December), nytårsaftensdag (31 December). */
export const DEFAULT_CLOSING_DAYS = ['06-05', '12-24', '12-31'];

export const defaultRules: RuleSet = {
  escalationLocalHour: 0,
  psychiatricWarningWeeks: [8, 11],
  bedDays: { firstPaidDayOffset: 1, countDischargeDay: false },
  offerReplyHours: 24,
  followUpVisitDays: 7,
  stayReviewDaysBeforeEnd: 7,
  vulnerabilityAssessmentWorkingDays: 1,
  helpFollowUpDays: 14,
  closingDays: DEFAULT_CLOSING_DAYS,
  nursingHomeFollowUpWeeks: { ...NURSING_HOME_FOLLOW_UP_WEEKS },
  complaintReconsiderationWeeks: COMPLAINT_RECONSIDERATION_WEEKS,
  grant: { ...defaultGrantRules },
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
  MUNICIPAL_CLOSING_DAYS: string;
  NURSING_HOME_DECISION_AT_RISK_WEEKS?: number;
  NURSING_HOME_DECISION_DUE_WEEKS?: number;
  COMPLAINT_RECONSIDERATION_WEEKS?: number;
  GRANT_EXPIRY_LEAD_DAYS?: number;
  GRANT_REASSESSMENT_DAYS?: number;
  PROVIDER_NOTICE_MONTHS?: number;
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
    closingDays: config.MUNICIPAL_CLOSING_DAYS.trim() === 'none' ? [] : config.MUNICIPAL_CLOSING_DAYS.split(',').map((d) => d.trim()).filter((d) => d !== ''),
    nursingHomeFollowUpWeeks: {
      atRisk: config.NURSING_HOME_DECISION_AT_RISK_WEEKS ?? NURSING_HOME_FOLLOW_UP_WEEKS.atRisk,
      due: config.NURSING_HOME_DECISION_DUE_WEEKS ?? NURSING_HOME_FOLLOW_UP_WEEKS.due,
    },
    complaintReconsiderationWeeks: config.COMPLAINT_RECONSIDERATION_WEEKS ?? COMPLAINT_RECONSIDERATION_WEEKS,
    grant: {
      expiryLeadDays: config.GRANT_EXPIRY_LEAD_DAYS ?? defaultGrantRules.expiryLeadDays,
      reassessmentDays: config.GRANT_REASSESSMENT_DAYS ?? defaultGrantRules.reassessmentDays,
      providerNoticeMonths: config.PROVIDER_NOTICE_MONTHS ?? defaultGrantRules.providerNoticeMonths,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Obligations (frister): everything a case waits for, one table for every case type.

/** Who acts (the brief's "who acts" table; `citizen` replies through the housing team lead). */
export type ActorRole =
  | 'hospital'
  | 'needs_assessor'
  | 'discharge_coordinator'
  | 'psychiatry_coordinator'
  | 'area_chief'
  | 'housing_team_lead'
  | 'visitation_team_lead';

/**
 * Who receives the escalation of a missed obligation, by who had to act: the one place this
 * mapping lives (each kind's `escalateTo` below is read from it, and an obligation whose actor
 * differs from its kind's — the 14:30 phone task — escalates to its own actor's lead).
 *  - local visitation (`needs_assessor`) → the team lead of local visitation (brief: "a missed
 *    assessment escalates to the team lead"; 003: "teamleder og visitator/leder af visitationen");
 *  - the discharge coordinators → the same team lead (not in the sources: they work with local
 *    visitation in the health & care administration);
 *  - the psychiatry coordinator → the area chief (002: status meetings and chief level);
 *  - the area chief and the housing team lead have no one above them in the sources: themselves
 *    (an unanswered offer lapses without an escalation row);
 *  - the hospital never holds a municipal obligation; the area chief takes a disagreement (002).
 */
export const ESCALATION_RECIPIENTS = {
  hospital: 'area_chief',
  needs_assessor: 'visitation_team_lead',
  discharge_coordinator: 'visitation_team_lead',
  psychiatry_coordinator: 'area_chief',
  area_chief: 'area_chief',
  housing_team_lead: 'housing_team_lead',
  visitation_team_lead: 'visitation_team_lead',
} as const satisfies Record<ActorRole, ActorRole>;

/**
 * When an obligation becomes "at risk" (i.e. still open and close to its due day):
 *  - `daysBeforeDue`: at 00:00 Copenhagen time that many calendar days before the due day
 *    (0 = the start of the due day itself);
 *  - `hoursBeforeDue`: that many elapsed hours before its due instant (reply times);
 *  - `firstWarning`: at the first of its warnings (the 12-week deadline's 8-week warning);
 *  - `immediately`: at risk from the moment it opens (a same-day task).
 */
export type AtRiskRule =
  | { daysBeforeDue: number }
  | { hoursBeforeDue: number }
  | { firstWarning: true }
  | { immediately: true }
  /** at the instant the case names when it opens the obligation (a rule of its rule set, e.g. week 3 after moving in) */
  | { given: true };

export interface ObligationKindRule {
  /** The action needed, as a code with an English and a Danish label (shown in work queues). */
  action: { code: string; en: string; da: string };
  /** Who must act. */
  actor: ActorRole;
  /**
   * Roles who hold it together with the actor: it shows in their work queues too and either may
   * meet it (the escalation still goes to the actor's recipient).
   */
  heldWith?: readonly ActorRole[];
  /** Who receives the escalation when the obligation is missed. */
  escalateTo: ActorRole;
  /** The due rule in words (the obligations table of docs/case-core.md). */
  due: string;
  atRisk: AtRiskRule;
  /** `escalations.kind` of the row written when the obligation is missed (null: no row, e.g. an offer that lapses). */
  escalationKind: string | null;
  /** `escalations.kind` of a warning row (only kinds with warnings). */
  warningKind?: string;
  /** Who receives a warning. */
  warnTo?: ActorRole;
  /**
   * Whether its clock stands still while the citizen is on leave from the hospital (orlov, MedCom
   * STOR … SLOR): the obligation is `paused` and resumes with the time it had left. Only where the
   * work cannot go on while the citizen is away from the ward (docs/medcom.md says why, per kind).
   */
  pausesOnLeave: boolean;
  /** The source of the rule. */
  source: string;
}

/** Days before the due day from which a day-based obligation is "at risk". Not in the sources: 2. */
export const AT_RISK_DAYS_BEFORE_DUE = 2;
/** Hours before an offer's reply time from which it is "at risk". Not in the sources: 6. */
export const OFFER_AT_RISK_HOURS = 6;

/**
 * A hospital notification cancelled (MedCom AN_) after its event changed or closed a case is
 * reviewed by the needs assessor by the end of this many working days after the cancellation
 * came. Not in the sources: 1 (the next working day).
 */
export const CANCELLATION_REVIEW_WORKING_DAYS = 1;

/**
 * An interval stay's arrival and end are at risk from 00:00 of the day they are due (the first and
 * the last day of the booked period): the place is held for that day. Not in the sources: 0.
 */
export const INTERVAL_AT_RISK_DAYS_BEFORE_DUE = 0;

/** A waiting citizen's priority is reviewed by the end of this many working days after a discharge home. Not in the sources: 1. */
export const PRIORITY_REVIEW_WORKING_DAYS = 1;

export const OBLIGATION_KINDS = {
  psychiatric_case_deadline: {
    action: { code: 'process_case', en: 'Process the case within 12 weeks', da: 'Sagsbehandling inden for 12 uger (sagsbehandlingsfrist)' },
    actor: 'psychiatry_coordinator',
    escalateTo: ESCALATION_RECIPIENTS.psychiatry_coordinator,
    due: 'day of receipt + 84 calendar days (12 weeks); met when the placement is decided (own offer or external purchase) with the citizen involved, or by the discharge',
    atRisk: { firstWarning: true },
    escalationKind: 'psychiatric_deadline_passed',
    warningKind: 'psychiatric_deadline_warning',
    warnTo: 'psychiatry_coordinator',
    pausesOnLeave: false,
    source: '002',
  },
  psychiatric_status_meeting: {
    action: { code: 'hold_status_meeting', en: 'Hold the status meeting and record its decision', da: 'Hold statusmøde og registrér ledelsesbeslutningen' },
    actor: 'area_chief',
    // 002: the status meeting is held between the psychiatry coordinator and the area chief
    heldWith: ['psychiatry_coordinator'],
    escalateTo: ESCALATION_RECIPIENTS.area_chief,
    due: 'every 14 calendar days from the day the case was flagged as a potential long course',
    atRisk: { daysBeforeDue: AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'psychiatric_status_meeting_missed',
    pausesOnLeave: false,
    source: '002',
  },
  psychiatric_chief_level: {
    action: { code: 'decide_at_chief_level', en: 'Decide the disagreement with the region at chief level', da: 'Afgør uenigheden med regionen på chefniveau' },
    actor: 'area_chief',
    escalateTo: ESCALATION_RECIPIENTS.area_chief,
    due: 'the day the disagreement was raised + 7 calendar days',
    atRisk: { daysBeforeDue: AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'psychiatric_chief_level_overdue',
    pausesOnLeave: false,
    source: '002',
  },
  vulnerability_assessment: {
    action: { code: 'assess_vulnerability', en: 'Assess whether the citizen is particularly vulnerable', da: 'Vurdér om borgeren er særligt sårbar' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'end of the next working day after the care plan was received (configurable)',
    atRisk: { daysBeforeDue: 0 },
    escalationKind: 'vulnerability_assessment_overdue',
    pausesOnLeave: true,
    source: '000 (deadline not in the sources)',
  },
  provider_phone_call: {
    action: { code: 'phone_provider', en: 'Phone the provider (decision sent after 14:30 for a same-day start)', da: 'Ring til leverandøren (afgørelse sendt efter kl. 14:30 med opstart samme dag)' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'the day the provider must start (the same day)',
    atRisk: { immediately: true },
    escalationKind: 'provider_phone_call_missed',
    pausesOnLeave: false,
    source: '003',
  },
  follow_up_visit: {
    action: { code: 'follow_up_visit', en: 'Make the follow-up home visit after discharge', da: 'Opfølgende hjemmebesøg efter udskrivning' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'discharge day + 7 calendar days (configurable; not in the sources)',
    atRisk: { daysBeforeDue: AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'follow_up_visit_overdue',
    pausesOnLeave: false,
    source: '001 (deadline not in the sources)',
  },
  help_follow_up: {
    action: { code: 'follow_up_help', en: 'Follow up the increased help at home', da: 'Følg op på den øgede hjælp i eget hjem' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'discharge day + 14 calendar days (configurable; not in the sources)',
    atRisk: { daysBeforeDue: AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'help_follow_up_overdue',
    pausesOnLeave: false,
    source: '000 (deadline not in the sources)',
  },
  offer_reply: {
    action: { code: 'record_offer_reply', en: "Record the citizen's reply to the offered place", da: 'Registrér borgerens svar på den tilbudte plads' },
    actor: 'housing_team_lead',
    escalateTo: ESCALATION_RECIPIENTS.housing_team_lead,
    due: 'the offer time + 24 hours (configurable; not in the sources); unanswered, the offer lapses and the place goes to the next citizen',
    atRisk: { hoursBeforeDue: OFFER_AT_RISK_HOURS },
    escalationKind: null,
    pausesOnLeave: false,
    source: '003 (reply time not in the sources)',
  },
  stay_reassessment: {
    action: { code: 'reassess_stay', en: 'Reassess the need before the temporary stay ends', da: 'Revurdér behovet inden det midlertidige ophold slutter' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'planned end date − 7 calendar days (configurable; not in the sources)',
    atRisk: { daysBeforeDue: AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'temporary_stay_reassessment_missing',
    pausesOnLeave: false,
    source: '003 (review day not in the sources)',
  },
  priority_review: {
    action: { code: 'review_priority', en: "Review the waiting-list priority (the citizen's situation changed)", da: 'Revurdér prioriteten på ventelisten (borgerens situation er ændret)' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'end of the next working day after the citizen waiting for a temporary stay was discharged home',
    atRisk: { daysBeforeDue: 0 },
    escalationKind: 'priority_review_overdue',
    pausesOnLeave: false,
    source: '003 (deadline not in the sources)',
  },
  cancellation_review: {
    action: { code: 'review_cancelled_notification', en: 'Review the cases a cancelled hospital notification had changed', da: 'Gennemgå sagerne et annulleret advis havde ændret' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'end of the next working day after the hospital cancelled (MedCom AN_) an event that had changed or closed a case',
    atRisk: { daysBeforeDue: 0 },
    escalationKind: 'cancellation_review_overdue',
    pausesOnLeave: false,
    source: 'MedCom HospitalNotification (deadline not in the sources)',
  },
  nursing_home_decision: {
    action: { code: 'nursing_home_decision', en: 'Make the individual decision after the move into the nursing home', da: 'Sikr konkret individuel afgørelse efter indflytning i plejebolig' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'moving-in day + 6 weeks (configurable); at risk from week 3; met when the decision is recorded',
    atRisk: { given: true },
    escalationKind: 'nursing_home_decision_overdue',
    pausesOnLeave: false,
    source: '003',
  },
  complaint_reconsideration: {
    action: { code: 'reconsider_complaint', en: 'Reconsider the decision complained about and write the statement', da: 'Genvurdér den påklagede afgørelse og skriv redegørelse' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: "the municipality's day of receipt + 4 weeks (configurable; the same weekday four weeks later)",
    atRisk: { daysBeforeDue: AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'complaint_reconsideration_overdue',
    pausesOnLeave: false,
    source: '003, retssikkerhedsloven § 66',
  },
  grant_expiry: {
    action: { code: 'decide_grant_expiry', en: 'Decide before the temporary service ends: let it end or grant a new one', da: 'Tag stilling før den midlertidige indsats udløber: lad den ophøre eller bevilg en ny' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: "the temporary grant's end day − the lead days (`GRANT_EXPIRY_LEAD_DAYS`, default 14); the grant ends at its end day whatever is decided",
    atRisk: { daysBeforeDue: AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'grant_expiry_overdue',
    pausesOnLeave: false,
    source: '003 "Midlertidig indsats" (lead days not in the sources)',
  },
  grant_reassessment: {
    action: { code: 'reassess_grant', en: 'Reassess the grant: the delivered time deviates significantly', da: 'Revurdér bevillingen: den leverede tid afviger væsentligt (løbende justering)' },
    actor: 'needs_assessor',
    escalateTo: ESCALATION_RECIPIENTS.needs_assessor,
    due: 'the day the significant deviation was reported + `GRANT_REASSESSMENT_DAYS` (default 14)',
    atRisk: { daysBeforeDue: AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'grant_reassessment_overdue',
    pausesOnLeave: false,
    source: '003 "Løbende justering" (deadline not in the sources)',
  },
  interval_arrival: {
    action: { code: 'register_interval_arrival', en: 'Register the arrival (or the no-show) for the booked interval stay', da: 'Registrér ankomst (eller udeblivelse) til det bookede intervalophold' },
    actor: 'housing_team_lead',
    escalateTo: ESCALATION_RECIPIENTS.housing_team_lead,
    due: 'the first day of the booked period; at risk from 00:00 of that day; met when the arrival or the no-show is registered',
    atRisk: { daysBeforeDue: INTERVAL_AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'interval_arrival_overdue',
    pausesOnLeave: false,
    source: '003 "Intervalophold i midlertidig bolig" (deadline not in the sources)',
  },
  interval_end: {
    action: { code: 'register_interval_end', en: 'Register the end of the interval stay (the place is free again)', da: 'Registrér at intervalopholdet er slut (pladsen er ledig igen)' },
    actor: 'housing_team_lead',
    escalateTo: ESCALATION_RECIPIENTS.housing_team_lead,
    due: 'the last day of the booked period; at risk from 00:00 of that day; met when the end is registered',
    atRisk: { daysBeforeDue: INTERVAL_AT_RISK_DAYS_BEFORE_DUE },
    escalationKind: 'interval_end_overdue',
    pausesOnLeave: false,
    source: '003 "Intervalophold i midlertidig bolig" (deadline not in the sources)',
  },
} as const satisfies Record<string, ObligationKindRule>;

export type ObligationKind = keyof typeof OBLIGATION_KINDS;
export const OBLIGATION_KIND_CODES = Object.keys(OBLIGATION_KINDS) as [ObligationKind, ...ObligationKind[]];

/** The obligation kinds a role holds together with their actor (`heldWith`): in its work queue too. */
export function kindsHeldWith(role: string): ObligationKind[] {
  return (Object.entries(OBLIGATION_KINDS) as [ObligationKind, ObligationKindRule][])
    .filter(([, rule]) => rule.heldWith?.includes(role as ActorRole))
    .map(([kind]) => kind);
}

/** Who gets the escalation of an obligation of `kind` held by `actor` (see `ESCALATION_RECIPIENTS`). */
export function escalationRecipient(kind: ObligationKind, actor?: ActorRole): ActorRole {
  const rule: ObligationKindRule = OBLIGATION_KINDS[kind];
  return actor === undefined || actor === rule.actor ? rule.escalateTo : ESCALATION_RECIPIENTS[actor];
}
