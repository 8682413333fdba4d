/** The hospital discharge (udskrivning, sources 000, 001, 003, 004). */
import type { CaseTypeDefinition } from '../shared/case-type.js';

export const hospitalDischargeCaseType = {
  name: 'hospital_discharge',
  prefix: 'UDS',
  label: { en: 'hospital discharge', da: 'udskrivning' },
} as const satisfies CaseTypeDefinition;
