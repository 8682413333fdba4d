/** The temporary 24-hour stay with its waiting list (midlertidigt døgnophold, source 003). */
import type { CaseTypeDefinition } from '../shared/case-type.js';

export const temporaryStayCaseType = {
  name: 'temporary_stay',
  prefix: 'MDO',
  label: { en: 'temporary stay', da: 'midlertidigt døgnophold' },
} as const satisfies CaseTypeDefinition;
