import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../shared/api/jobs.ts';
import { LiveGame } from '../../electron/lake/generate/live.ts';
import { hourText } from '../../electron/s3/followHours.ts';
import { putObject, startS3rver, type S3Server } from '../integration/s3/s3server.ts';
import { startRedzone, type Redzone } from './harness.ts';

/** Follow mode in Chromium: the Sources switch and its states, the inbox count on the tab, a Web Notification. */
const BUCKET = 'e2e-live';
const HOUR = 3_600_000;

describe('follow mode in Chromium (browser mode)', () => {
  let rz: Redzone;
  let server: S3Server;
  let serverDir: string;
  const hour = Math.floor(Date.now() / HOUR) * HOUR;
  const live = new LiveGame({ players: 20, rowsPerObject: 300, cheaterAfter: 1, seed: 5 });
  const put = async (game: LiveGame, at: Date) => {
    const o = game.next(at);
    await putObject(server, BUCKET, o.key, o.body);
  };
  const call = async <T>(method: string, req: unknown): Promise<T> => {
    const r = await rz.app.router.call(method, req);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as T;
  };

  beforeAll(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_EC2_METADATA_DISABLED: 'true' });
    rz = await startRedzone();
    serverDir = join(rz.dir, 's3rver');
    server = await startS3rver(serverDir, [BUCKET]);
    // What the analyst synced and scored two hours ago.
    await put(new LiveGame({ players: 20, rowsPerObject: 1500, cheaterAfter: 99, seed: 4 }), new Date(hour - 2 * HOUR + 30 * 60_000));
    await call('s3.saveSource', {
      name: 'live',
      bucket: BUCKET,
      prefixes: ['playlog/'],
      endpoint: server.endpoint,
      from: hourText(hour - 2 * HOUR),
      to: hourText(hour - 2 * HOUR),
    });
    const sync = await call<JobInfo>('s3.sync', { name: 'live' });
    expect((await rz.app.services.jobs.wait(sync.id)).state).toBe('done');
    const score = await call<JobInfo>('scoring.start', { features: 'points', trees: 50, samples: 128 });
    expect((await rz.app.services.jobs.wait(score.id)).state).toBe('done');
    // The browser profile allows notifications; the page's calls to the Web Notifications API are recorded.
    await rz.context.grantPermissions(['notifications'], { origin: new URL(rz.url).origin });
    await rz.context.addInitScript(() => {
      const Real = window.Notification;
      const seen: { title: string; body: string }[] = [];
      (window as unknown as { __notifications: typeof seen }).__notifications = seen;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          seen.push({ title, body: options?.body ?? '' });
        }
      }
      window.Notification = Recorded as typeof Notification;
    });
    await rz.page.goto(rz.url);
    await rz.page.getByTestId('nav-sources').click();
  }, 120_000);

  afterAll(async () => {
    await rz?.close();
    await server?.stop();
  });

  it('shows following, caught up, and paused while S3 is unreachable; resumes by itself', async () => {
    const page = rz.page;
    await expect.poll(() => page.getByTestId('s3-sources').inputValue(), { timeout: 10_000 }).toBe('live');
    await page.getByTestId('follow-every').fill('0.2');
    await page.getByTestId('follow-switch').check();
    const state = () => page.getByTestId('follow-state').getAttribute('data-state');
    await expect.poll(state, { timeout: 15_000 }).toBe('caught-up');
    await put(live, new Date());
    await expect.poll(() => page.getByTestId('follow-message').textContent(), { timeout: 15_000 }).toMatch(/imported 300 rows from 1 new object/);
    await expect.poll(state, { timeout: 15_000 }).toMatch(/following|caught-up/);
    await rz.screenshot('follow-following');

    const port = server.port;
    await server.stop();
    await expect.poll(state, { timeout: 15_000 }).toBe('paused');
    expect(await page.getByTestId('follow-message').textContent()).toMatch(/Cannot reach S3/);
    await rz.screenshot('follow-paused');
    server = await startS3rver(serverDir, [BUCKET], port);
    await expect.poll(state, { timeout: 20_000 }).toBe('caught-up');
    await rz.screenshot('follow-caught-up');
  }, 90_000);

  it('a newly flagged player raises the inbox count on the Anomalies tab and a notification', async () => {
    const page = rz.page;
    await put(live, new Date()); // the cheater is playing now
    const cheater = String(live.cheater);
    await expect
      .poll(
        () =>
          page
            .getByTestId('inbox-count-player')
            .textContent()
            .catch(() => null),
        { timeout: 20_000 },
      )
      .toMatch(/^\d+$/);
    const notes = () => page.evaluate(() => (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications);
    await expect.poll(async () => (await notes()).some((n) => n.title.includes(cheater) || n.body.includes(cheater)), { timeout: 20_000 }).toBe(true);
    await rz.screenshot('follow-inbox-badge');
    await page.getByTestId('nav-anomalies').click();
    await expect.poll(() => page.getByTestId('inbox-strip-player').textContent(), { timeout: 10_000 }).toContain(`Player ${cheater}`);
    await rz.screenshot('follow-inbox-strip');
    await page.getByTestId('inbox-seen-player').click();
    await expect.poll(() => page.getByTestId('inbox-count-player').count()).toBe(0);
    await page.getByTestId('nav-sources').click();
    // The run scored the new rows live with its forest; Retrain rebuilds it over everything.
    await expect.poll(() => page.getByTestId('live-scoring').textContent(), { timeout: 10_000 }).toMatch(/Run #1: 600 new rows scored live .*drift/);
    await rz.screenshot('follow-live-scoring');
    await page.getByTestId('retrain').click();
    await expect
      .poll(() => page.getByTestId('live-scoring').textContent(), { timeout: 30_000 })
      .toMatch(/Run #2: 0 new rows scored live with its forest \(trained on 2,100\)/);
    await page.getByTestId('follow-switch').uncheck();
    await expect.poll(() => page.getByTestId('follow-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('stopped');
    expect(rz.problems.filter((p) => !/ERR_CONNECTION|Failed to load resource/.test(p))).toEqual([]);
  }, 90_000);
});
