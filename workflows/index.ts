/** Every workflow the worker registers (this file is the workflow bundle's entry point). */
export { psychiatricCaseWorkflow } from './psychiatric/workflow.js';
export { hospitalDischargeCaseWorkflow } from './hospital-discharge/workflow.js';
export { temporaryStayCaseWorkflow, placeTypeAllocatorWorkflow } from './temporary-stay/index.js';
export { notificationReviewWorkflow } from './notification-review/workflow.js';
export { nursingHomeFollowUpWorkflow } from './nursing-home-follow-up/workflow.js';
export { complaintWorkflow } from './complaint/workflow.js';
export { grantCaseWorkflow } from './grant/workflow.js';
export { retentionWorkflow } from './retention/workflow.js';
export { intervalStayWorkflow } from './interval-stay/workflow.js';
