/** The nursing-home follow-up (opfølgning efter indflytning i plejebolig, source 003 "Plejeboliger"). */
import type { CaseTypeDefinition } from '../shared/case-type.js';

export const nursingHomeFollowUpCaseType = {
  name: 'nursing_home_follow_up',
  prefix: 'PLB',
  label: { en: 'nursing-home follow-up', da: 'opfølgning efter indflytning i plejebolig' },
} as const satisfies CaseTypeDefinition;
