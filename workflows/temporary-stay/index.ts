/** Case 2 — temporary 24-hour stay: the case workflow and its place types' allocator. */
export { temporaryStayCaseWorkflow } from './workflow.js';
export { placeTypeAllocatorWorkflow } from './allocation.js';
export * from './messages.js';
