/** Helpers for temporary-stay tests: facilities, places, applications driven through the workflows. */
import { temporaryStayCaseType } from '../workflows/temporary-stay/case-type.js';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { insertFacility, insertPlaceType } from '../db/queries/temporary-stay.js';
import { caseNumberFor } from '../api/case-numbers.js';
import { defaultRules, type Priority, type RuleSet } from '../domain/rules.js';
import { allocatorWorkflowId } from '../workflows/temporary-stay/allocation-state.js';
import { placeTypeAllocatorWorkflow, temporaryStayCaseWorkflow } from '../workflows/temporary-stay/index.js';
import { addPlaceUpdate, allocationQuery, caseOpenedUpdate, wakeAllocatorSignal } from '../workflows/temporary-stay/messages.js';
import { newCitizen } from './fixtures.js';

export async function newFacility(db: Db): Promise<string> {
  const id = randomUUID();
  await insertFacility(db, { id, name: `Facility ${id.slice(0, 8)}` });
  return id;
}

export function allocator(client: Client, taskQueue: string, placeType: string) {
  const workflowId = allocatorWorkflowId(placeType);
  const ensure = () =>
    client.workflow.signalWithStart(placeTypeAllocatorWorkflow, {
      workflowId,
      taskQueue,
      args: [{ placeType }],
      signal: wakeAllocatorSignal,
    });
  return {
    workflowId,
    async addPlace(facilityId: string, label = `P-${randomUUID().slice(0, 6)}`) {
      const handle = await ensure();
      const placeId = randomUUID();
      await handle.executeUpdate(addPlaceUpdate, { args: [{ placeId, facilityId, label }] });
      return placeId;
    },
    async view() {
      return (await ensure()).query(allocationQuery);
    },
    handle: () => client.workflow.getHandle(workflowId),
  };
}

export async function openStay(
  client: Client,
  db: Db,
  taskQueue: string,
  o: { placeType: string; priority: Priority; appliedAt: number; rules?: RuleSet; citizenId?: string },
) {
  const caseId = randomUUID();
  const citizenId = o.citizenId ?? (await newCitizen(db)).citizenId;
  // The case's workflow id is its case number (reserved as the API does).
  const workflowId = await caseNumberFor(db, caseId, temporaryStayCaseType);
  const handle = await client.workflow.start(temporaryStayCaseWorkflow, {
    workflowId,
    taskQueue,
    args: [
      {
        caseId,
        citizenId,
        placeType: o.placeType,
        purpose: 'rehabilitation',
        priority: o.priority,
        appliedAt: o.appliedAt,
        rules: o.rules ?? defaultRules,
      },
    ],
  });
  const opened = await handle.executeUpdate(caseOpenedUpdate);
  return { caseId, citizenId, handle, workflowId, caseNumber: opened.caseNumber };
}

export const uniqueType = (prefix = 'type') => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * Registers place types in the registry, as the housing team lead does with `POST /place-types`,
 * so that requests may name them (a request naming an unregistered type is refused); returns the
 * first. Tests that drive the workflows directly need no registration.
 */
export async function registerPlaceType(db: Db, code: string, ...more: string[]): Promise<string> {
  for (const c of [code, ...more]) await insertPlaceType(db, { code: c, name: `Test type ${c}` });
  return code;
}
