/**
 * Issue 9 point 6: escalations go where the brief's "who acts" table says, from one mapping in
 * domain/rules.ts (`ESCALATION_RECIPIENTS`).
 */
import { describe, expect, it } from 'vitest';
import { loadTokens } from '../api/auth.js';
import { roles } from '../api/auth.js';
import path from 'node:path';
import { projectRoot } from '../config/index.js';
import { ESCALATION_RECIPIENTS, OBLIGATION_KINDS, escalationRecipient } from '../domain/rules.js';
import { newObligation } from '../workflows/shared/obligations.js';

const t = (iso: string) => Date.parse(iso);

describe('escalation recipients', () => {
  it('a missed vulnerability assessment escalates to the team lead of local visitation, not the assessor', () => {
    expect(OBLIGATION_KINDS.vulnerability_assessment.escalateTo).toBe('visitation_team_lead');
    const o = newObligation({ key: 'vulnerability-assessment', kind: 'vulnerability_assessment', now: t('2026-12-01T10:00:00+01:00'), dueDay: '2026-12-02', escalationLocalHour: 0 });
    expect(o).toMatchObject({ actor: 'needs_assessor', escalateTo: 'visitation_team_lead' });
  });

  it("local visitation's other deadlines go to its team lead; the psychiatric deadline to the area chief", () => {
    for (const kind of ['follow_up_visit', 'help_follow_up', 'stay_reassessment', 'provider_phone_call'] as const) {
      expect(OBLIGATION_KINDS[kind].escalateTo, kind).toBe('visitation_team_lead');
    }
    expect(OBLIGATION_KINDS.psychiatric_case_deadline.escalateTo).toBe('area_chief');
  });

  it("every kind's escalation is the mapping of its actor; a phone task escalates to its own actor's lead", () => {
    for (const [kind, rule] of Object.entries(OBLIGATION_KINDS)) expect(rule.escalateTo, kind).toBe(ESCALATION_RECIPIENTS[rule.actor]);
    expect(escalationRecipient('provider_phone_call', 'discharge_coordinator')).toBe('visitation_team_lead');
    const o = newObligation({ key: 'phone-x', kind: 'provider_phone_call', actor: 'discharge_coordinator', now: t('2026-12-01T15:00:00+01:00'), dueDay: '2026-12-01', escalationLocalHour: 0 });
    expect(o.escalateTo).toBe('visitation_team_lead');
  });

  it('every recipient is a role with a dev token', () => {
    const tokens = [...loadTokens(path.join(projectRoot, 'config/dev-tokens.json')).values()].map((u) => u.role);
    for (const r of new Set(Object.values(ESCALATION_RECIPIENTS))) {
      expect(roles).toContain(r);
      expect(tokens, r).toContain(r);
    }
  });
});
