/**
 * The lab bench's yardstick for the sync, in a process of its own so its peak memory is its own: a plain
 * parallel GetObject loop over the lake's keys. Usage: labGetChild.ts ENDPOINT BUCKET LAKE OUT CONCURRENCY.
 * Prints {ms, objects} as JSON.
 */
import { plainGetObjects } from './plainGet.ts';
import { lakeObjects } from './s3rver.ts';

const [endpoint, bucket, lake, out, concurrency] = process.argv.slice(2);
const { keys, from, to } = await lakeObjects(lake);
const ms = await plainGetObjects({ name: 'lab', bucket, prefixes: ['playlog/', 'userlog/'], endpoint, from, to }, keys, out, Number(concurrency));
process.stdout.write(JSON.stringify({ ms, objects: keys.length }));
