import type { JobInfo, JobKind } from './jobs.ts';
import type { Method, NoArgs } from './method.ts';

/**
 * Following an S3 source live: every interval the follower lists the watched hours (from its watermark
 * to the current hour; Firehose files by arrival time), imports what is new, scores it with the newest
 * run's saved forest and announces newly flagged players.
 */
export type FollowState = 'starting' | 'catching-up' | 'following' | 'caught-up' | 'paused' | 'stopped';

export interface FollowStatus {
  source: string;
  state: FollowState;
  /** Why it is paused, or what it is doing. */
  message: string;
  /** Why a pause happened: the network (or endpoint) or the credentials. */
  pausedBy?: 'network' | 'credentials' | 'other';
  /** Hours before this one (UTC, YYYY-MM-DDTHH) are complete; the next tick lists from it. */
  watermark: string;
  everyMs: number;
  /** Milliseconds until the next attempt while paused (exponential back-off). */
  retryInMs?: number;
  lastTickAt?: string;
  ticks: number;
  /** Totals since this follow started. */
  objects: number;
  rows: number;
  scoredRows: number;
  /** LIST requests of the last tick (one per watched prefix-hour). */
  lastListings: number;
  jobId?: string;
}

/** What a follow job returns when it is stopped. */
export interface FollowSummary {
  source: string;
  ticks: number;
  objects: number;
  rows: number;
  scoredRows: number;
  watermark: string;
}

export interface FollowRequest {
  name: string;
  /** Interval in ms (default 60 000; at least 50). */
  everyMs?: number;
  /** Retrain when the live share above the cut-off is this many times the training share (off when absent). */
  retrainDrift?: number;
  /** Notifications of a kind at most this often; what comes in between is grouped (default 10 000 ms). */
  noticeGapMs?: number;
}

export interface FollowApi {
  /** Starts following a saved source; the job runs until s3.unfollow (or cancel). */
  's3.follow': Method<FollowRequest, JobInfo<FollowSummary>>;
  's3.unfollow': Method<{ name: string }, { stopped: boolean }>;
  /** Every source's follow status (running followers, and stopped ones with a watermark). */
  's3.followStatus': Method<NoArgs, FollowStatus[]>;
}

export const FOLLOW_JOB = 's3.follow' satisfies JobKind;
