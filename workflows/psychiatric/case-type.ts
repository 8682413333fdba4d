/** The psychiatric ready-for-discharge case (færdigmelding, source 002). */
import type { CaseTypeDefinition } from '../shared/case-type.js';

export const psychiatricCaseType = {
  name: 'psychiatric_discharge',
  prefix: 'PSY',
  label: { en: 'psychiatric case', da: 'færdigmelding (psykiatri)' },
} as const satisfies CaseTypeDefinition;
