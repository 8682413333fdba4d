/** A booked interval stay (intervalophold i midlertidig bolig, source 003 "Intervalophold i midlertidig bolig"). */
import type { CaseTypeDefinition } from '../shared/case-type.js';

export const intervalStayCaseType = {
  name: 'interval_stay',
  prefix: 'INT',
  label: { en: 'interval stay', da: 'intervalophold' },
} as const satisfies CaseTypeDefinition;
