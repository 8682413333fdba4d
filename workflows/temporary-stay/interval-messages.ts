/**
 * The allocator's interval-stay Updates (intervalophold): ids, days and codes only. The remarks of
 * the interval list stay in the database.
 */
import { defineUpdate } from '@temporalio/workflow';
import type { IntervalBooking } from './allocation-state.js';

export type BookIntervalRequest = Omit<IntervalBooking, 'state'>;

/** The housing team lead books a period on a place (refused: a clash, an ordinary stay or offer on the place, a closed place). */
export const bookIntervalUpdate = defineUpdate<IntervalBooking, [BookIntervalRequest]>('bookInterval');
/** A booking is cancelled before the citizen arrives. */
export const cancelIntervalUpdate = defineUpdate<IntervalBooking, [{ bookingId: string }]>('cancelInterval');
/** The citizen arrives for the booked period: the place is occupied. */
export const intervalArrivedUpdate = defineUpdate<IntervalBooking, [{ bookingId: string }]>('intervalArrived');
/** The interval stay ends: the place is vacant again. */
export const intervalEndedUpdate = defineUpdate<{ bookingId: string; placeId: string }, [{ bookingId: string }]>('intervalEnded');
