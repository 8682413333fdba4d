import type { Client } from '@temporalio/client';
import type { Database } from '../db/client.js';
import type { RuleSet } from '../domain/rules.js';
import type { Admission } from './admission.js';
import type { Later } from './later.js';

/** What route plugins get: the database, the Temporal client and where to start workflows. */
export interface ApiDeps {
  database: Database;
  temporal: Client;
  taskQueue: string;
  /** Rules handed to newly opened cases. */
  rules: RuleSet;
  /** Follow-up writes of a change that took effect while the database stopped answering (its texts): written as soon as it answers. */
  later: Later;
  /** How many decisions wait for Temporal at once, and how long the next may queue (`admission.ts`). */
  admission: Admission;
}
