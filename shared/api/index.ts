import type { FollowApi, FollowStatus } from './follow.ts';
import type { InboxApi, InboxNotice } from './inbox.ts';
import type { InvestigateApi } from './investigate.ts';
import type { AnyJob } from './jobs.ts';
import type { JobsApi } from './jobsApi.ts';
import type { LakeApi } from './lake.ts';
import type { LiveApi } from './live.ts';
import type { MapApi } from './map.ts';
import type { S3Api } from './s3.ts';
import type { ScoringApi } from './scoring.ts';
import type { SqlApi, SqlProgress } from './sql.ts';
import type { StreamsApi } from './streams.ts';
import type { WorkspaceApi } from './workspace.ts';

export * from './envelope.ts';
export * from './columns.ts';
export * from './jobs.ts';
export type { Method, NoArgs } from './method.ts';

/** The whole contract: every method the preload exposes, the router implements and the HTTP transport carries. */
export interface Api extends WorkspaceApi, SqlApi, JobsApi, LakeApi, S3Api, ScoringApi, InvestigateApi, MapApi, StreamsApi, FollowApi, InboxApi, LiveApi {}

export type ApiMethod = keyof Api & string;
export type ApiRequest<M extends ApiMethod> = Api[M]['req'];
export type ApiResponse<M extends ApiMethod> = Api[M]['res'];

/** What changed the workspace: the method (or live work) that did it, or a newly opened workspace. */
export type ChangeReason =
  | 'opened'
  | 'lake.import'
  | 'lake.forget'
  | 's3.sync'
  | 'scoring.run'
  | 'scoring.live'
  | 'scoring.recut'
  | 'scoring.delete'
  | 'investigate.zones'
  | 'investigate.rules'
  | 'investigate.verdict'
  | 'streams.define'
  | 'streams.delete'
  | 'streams.import'
  | 'streams.loadDemo'
  | 'streams.score';

/** Events pushed from the main process to every client. */
export interface ApiEvents {
  /** A job started, progressed or ended. */
  job: AnyJob;
  /** The workspace's tables changed (import, sync, scoring): views refresh. */
  'workspace.changed': { reason: ChangeReason };
  /** A SQL console query's progress, a few times a second while it runs. */
  'sql.progress': SqlProgress;
  /** A followed source's state changed (following, caught up, paused and why, stopped). */
  follow: FollowStatus;
  /** Newly flagged players or stream incidents, grouped and rate-limited: one notification each. */
  inbox: InboxNotice;
  /** Desktop app only: the analyst clicked a notification; the renderer opens its target. */
  'inbox.open': InboxNotice['target'];
}
export type ApiEventName = keyof ApiEvents & string;

/** What the renderer talks to, whichever transport carries it. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>>;
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}
