/** The grant to a provider (bevilling): a service granted at home, handed to a provider, over months or years. */
import type { CaseTypeDefinition } from '../shared/case-type.js';

export const grantCaseType = {
  name: 'grant',
  prefix: 'BEV',
  label: { en: 'grant of a service at home', da: 'bevilling af indsats i hjemmet' },
} as const satisfies CaseTypeDefinition;
