/** Complaints (klagesager, source 003 "Behandling af klagesager"; retssikkerhedsloven §§ 66–67). */
import type { CaseTypeDefinition } from '../shared/case-type.js';

export const complaintCaseType = {
  name: 'complaint',
  prefix: 'KLA',
  label: { en: 'complaint', da: 'klagesag' },
} as const satisfies CaseTypeDefinition;
