import type { SchemaComponent } from '../workspace/schema.ts';

/**
 * s3_source: the saved sources (no secrets: credentials are resolved at sync time).
 * s3_object: per cached object, which ETag sits in the cache and which ETag's rows are in the
 * workspace (and for which event-time window); the plan compares a fresh listing against them.
 * s3_follow: follow mode's watermark per source.
 */
export const s3Schema: SchemaComponent = {
  name: 's3',
  migrations: [
    `CREATE TABLE s3_source (
       name VARCHAR PRIMARY KEY,
       bucket VARCHAR NOT NULL,
       prefixes VARCHAR[] NOT NULL,
       region VARCHAR,
       profile VARCHAR,
       endpoint VARCHAR,
       from_hour VARCHAR NOT NULL,
       to_hour VARCHAR NOT NULL,
       updated_at TIMESTAMP NOT NULL
     );
     CREATE TABLE s3_object (
       bucket VARCHAR NOT NULL,
       key VARCHAR NOT NULL,
       size BIGINT NOT NULL,
       last_modified TIMESTAMP,
       downloaded_etag VARCHAR,
       imported_etag VARCHAR,
       -- the event-time window the import kept rows of; a wider range later re-imports the object
       imported_from TIMESTAMP,
       imported_to TIMESTAMP,
       updated_at TIMESTAMP NOT NULL,
       PRIMARY KEY (bucket, key)
     );`,
    // Follow mode (follow.ts): per source, the hour before which every listed hour is complete.
    `CREATE TABLE s3_follow (source VARCHAR PRIMARY KEY, watermark_hour VARCHAR NOT NULL, every_ms INTEGER NOT NULL, updated_at TIMESTAMP NOT NULL);`,
  ],
};
