import type { Client } from '@temporalio/client';
import type { Database } from '../db/client.js';
import type { RuleSet } from '../domain/rules.js';

/** What route plugins get: the database, the Temporal client and where to start workflows. */
export interface ApiDeps {
  database: Database;
  temporal: Client;
  taskQueue: string;
  /** Rules handed to newly opened cases. */
  rules: RuleSet;
}
