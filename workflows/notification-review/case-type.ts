/** The review of a cancelled hospital notification (gennemgang af annulleret advis, MedCom AN_). */
import type { CaseTypeDefinition } from '../shared/case-type.js';

export const notificationReviewCaseType = {
  name: 'notification_review',
  prefix: 'ADV',
  label: { en: 'review of a cancelled hospital notification', da: 'gennemgang af annulleret advis' },
} as const satisfies CaseTypeDefinition;
