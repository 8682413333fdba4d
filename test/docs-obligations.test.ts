/**
 * The obligations table of docs/case-core.md states what `OBLIGATION_KINDS` (domain/rules.ts)
 * does: every kind has a row naming who acts and who gets the escalation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../config/index.js';
import { OBLIGATION_KINDS } from '../domain/rules.js';

const doc = readFileSync(path.join(projectRoot, 'docs', 'case-core.md'), 'utf8');
const rows = new Map(
  doc
    .split('\n')
    .filter((l) => /^\| `[a-z_]+` \|/.test(l))
    .map((l) => [l.match(/^\| `([a-z_]+)`/)![1]!, l.split('|').map((c) => c.trim())] as const),
);

describe('docs/case-core.md obligations table', () => {
  it.each(Object.entries(OBLIGATION_KINDS))('%s: who acts and who gets the escalation', (kind, rule) => {
    const cells = rows.get(kind);
    expect(cells, `no row in docs/case-core.md for ${kind}`).toBeDefined();
    const [, , , , , actor, escalation, source] = cells!;
    if (kind !== 'provider_phone_call') expect(actor).toBe(`\`${rule.actor}\``);
    if (rule.escalationKind) {
      if (kind !== 'provider_phone_call') expect(escalation).toBe(`\`${rule.escalateTo}\``);
      else expect(escalation).toContain(`\`${rule.escalateTo}\``);
    } else {
      expect(escalation).toContain('lapses');
    }
    expect(source).toBe(rule.source);
  });
});

const medcom = readFileSync(path.join(projectRoot, 'docs', 'medcom.md'), 'utf8');
const leaveRows = new Map(
  medcom
    .split('\n')
    .filter((l) => /^\| `[a-z_]+` \| (\*\*pauses\*\*|never) \|/.test(l))
    .map((l) => [l.match(/^\| `([a-z_]+)`/)![1]!, l.includes('**pauses**')] as const),
);

describe('docs/medcom.md: which obligations pause while the citizen is on leave', () => {
  it.each(Object.entries(OBLIGATION_KINDS))('%s: as `pausesOnLeave` says, with a reason', (kind, rule) => {
    expect(leaveRows.get(kind), `no leave row in docs/medcom.md for ${kind}`).toBe(rule.pausesOnLeave);
  });
  it('the 12-week deadline never pauses', () => {
    expect(OBLIGATION_KINDS.psychiatric_case_deadline.pausesOnLeave).toBe(false);
  });
});
