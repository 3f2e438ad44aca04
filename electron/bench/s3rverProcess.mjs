// Runs s3rver in its own process, started with `node --openssl-legacy-provider` because s3rver
// encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in its legacy provider.
// Usage: node --openssl-legacy-provider s3rverProcess.mjs DIR PORT BUCKET...
// Prints one line {"port":N} once listening; exits when stdin closes (the parent died) or on SIGTERM.
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

const [directory, port, ...buckets] = process.argv.slice(2);
mkdirSync(directory, { recursive: true });
const server = new S3rver({ port: Number(port), address: '127.0.0.1', directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
const { port: bound } = await server.run();
process.stdout.write(JSON.stringify({ port: bound }) + '\n');
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
