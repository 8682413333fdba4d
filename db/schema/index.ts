export * from './core.js';
export * from './hospital-discharge.js';
export * from './payments.js';
export * from './temporary-stay.js';
export * from './psychiatric.js';
export * from './decision-texts.js';
export * from './medcom.js';
export * from './access-log.js';
