/**
 * P3's hard cases, written straight into the bench database (the reads are measured, not the
 * writes): payment periods over two years, a long waiting list of one place type, a full
 * escalation table. Each on its own synthetic case row (a `bench-` workflow id that no workflow
 * has), so the reads join and filter exactly as over real cases.
 */
import postgres from 'postgres';
import { hospitalDischargeCaseType } from '../../workflows/hospital-discharge/case-type.js';
import { psychiatricCaseType } from '../../workflows/psychiatric/case-type.js';
import { temporaryStayCaseType } from '../../workflows/temporary-stay/case-type.js';
import { PRIORITY_ORDER } from '../../domain/rules.js';

export interface HardCases {
  periods: number;
  pricedDays: number;
  openPeriods: number;
  waiting: number;
  placeType: string;
  escalations: number;
  /** Case ids of synthetic psychiatric cases with a payment period (a sample for GET /cases/:id as the psychiatry coordinator). */
  sampleCaseIds: string[];
}

export async function fillHardCases(url: string, n: { periods: number; waiting: number; escalations: number; placeType: string }): Promise<HardCases> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const total = Math.max(n.periods, n.escalations);
    // a version-4 UUID from a text (the API's contracts check ids are UUIDs)
    await sql`create or replace function bench_uuid(t text) returns uuid language sql immutable as $$ select (substr(md5(t), 1, 12) || '4' || substr(md5(t), 14, 3) || '8' || substr(md5(t), 18))::uuid $$`;
    // one citizen and one case per synthetic row; half somatic, half psychiatric
    await sql`
      insert into citizens (id, cpr, birth_date)
      select bench_uuid('bench-citizen-' || g), 'bench-' || g, date '1940-01-01' + (g % 15000)
      from generate_series(1, ${total + n.waiting}) g on conflict do nothing`;
    await sql`
      insert into cases (id, type, citizen_id, workflow_id, step, opened_at, closed_at)
      select bench_uuid('bench-case-' || g),
        case when g % 2 = 0 then ${hospitalDischargeCaseType.name} else ${psychiatricCaseType.name} end,
        bench_uuid('bench-citizen-' || g), 'bench-' || g, case when g % 10 < 7 then 'closed' else 'open' end,
        now() - interval '760 days' + (g % 730) * interval '1 day', case when g % 10 < 7 then now() - interval '1 day' else null end
      from generate_series(1, ${total}) g on conflict do nothing`;
    // færdigmeldt at any hour over the last two years, 70 % ended after 1–120 days (across every DST change); 30 % open, færdigmeldt within 90 days
    await sql`
      insert into bed_day_periods (case_id, ready_at, ended_at, ended_by_discharge)
      select bench_uuid('bench-case-' || g), r, case when g % 10 < 7 then r + (1 + (g * 7919) % 120) * interval '1 day' + (g % 23) * interval '1 hour' else null end, g % 3 <> 0
      from (select g, now() - case when g % 10 < 7 then interval '740 days' - ((g * 104729) % 720) * interval '1 day' else ((g * 104729) % 90) * interval '1 day' end + (g % 24) * interval '1 hour' as r
        from generate_series(1, ${n.periods}) g) x
      on conflict do nothing`;
    await sql`
      insert into escalations (case_id, key, kind, severity, recipient_role, due_day, scheduled_for, fired_at, message, status)
      select bench_uuid('bench-case-' || g), 'bench-deadline', 'psychiatric_deadline_passed', 'escalation', case when g % 2 = 0 then 'area_chief' else 'supervisor' end,
        current_date - (g % 700), now() - (g % 700) * interval '1 day', now() - (g % 700) * interval '1 day', 'synthetic escalation', case when g % 4 = 0 then 'acknowledged' else 'open' end
      from generate_series(1, ${n.escalations}) g on conflict do nothing`;
    // the waiting list: temporary-stay cases waiting for one place type, every priority
    await sql`
      insert into cases (id, type, citizen_id, workflow_id, step, opened_at)
      select bench_uuid('bench-stay-' || g), ${temporaryStayCaseType.name}, bench_uuid('bench-citizen-' || (${total} + g)), 'bench-stay-' || g, 'waiting', now() - (g % 300) * interval '1 day'
      from generate_series(1, ${n.waiting}) g on conflict do nothing`;
    await sql`
      insert into stay_applications (case_id, citizen_id, place_type, purpose, priority, waiting_since, status)
      select bench_uuid('bench-stay-' || g), bench_uuid('bench-citizen-' || (${total} + g)), ${n.placeType}, 'rehabilitation',
        (${[...PRIORITY_ORDER]}::text[])[1 + g % ${PRIORITY_ORDER.length}], now() - (g % 300) * interval '1 day' - (g % 97) * interval '1 minute', 'waiting'
      from generate_series(1, ${n.waiting}) g on conflict do nothing`;
    await sql`analyze`;
    const [counts] = await sql<{ periods: number; open: number; waiting: number; escalations: number }[]>`
      select (select count(*)::int from bed_day_periods) as periods, (select count(*)::int from bed_day_periods where ended_at is null) as open,
        (select count(*)::int from stay_applications where place_type = ${n.placeType} and status in ('waiting', 'offered')) as waiting,
        (select count(*)::int from escalations) as escalations`;
    // paid days, roughly (calendar days from the færdigmelding to the end or now)
    const [days] = await sql<{ d: number }[]>`select coalesce(sum(greatest(0, (coalesce(ended_at, now())::date - ready_at::date))), 0)::int as d from bed_day_periods`;
    const sample = await sql<{ id: string }[]>`select p.case_id as id from bed_day_periods p join cases c on c.id = p.case_id where c.type = ${psychiatricCaseType.name} order by p.case_id limit 500`;
    return {
      periods: counts!.periods,
      openPeriods: counts!.open,
      pricedDays: days!.d,
      waiting: counts!.waiting,
      placeType: n.placeType,
      escalations: counts!.escalations,
      sampleCaseIds: sample.map((r) => r.id),
    };
  } finally {
    await sql.end();
  }
}
