/**
 * The purge of notifications for citizens the municipality does not know (the clinical
 * guideline: a receiver shows notifications only for citizens who receive municipal services;
 * the message is minimal on purpose and not kept longer than needed): hourly, those older than
 * `MEDCOM_UNKNOWN_CITIZEN_RETENTION_DAYS`.
 */
import type { Db } from '../../db/client.js';
import { purgeUnknownNotifications } from '../../db/queries/medcom.js';

export function startMedcomRetention(db: Db, days: number, log: { info(o: object, m: string): void; warn(o: object, m: string): void }, everyMs = 3_600_000): { stop(): void } {
  const run = async () => {
    try {
      const purged = await purgeUnknownNotifications(db, new Date(Date.now() - days * 86_400_000));
      if (purged) log.info({ purged }, 'MedCom notifications of citizens without a case purged');
    } catch (err) {
      log.warn({ err: { name: (err as Error).name } }, 'MedCom retention: purge failed, retried at the next interval');
    }
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  void run();
  return { stop: () => clearInterval(timer) };
}
